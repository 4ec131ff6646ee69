using FusionCluster.Core.Methods;
using FusionCluster.Core.Synthesis;
using FusionCluster.Core.Tensors;

namespace FusionCluster.Grains.Tests.Jobs;

/// <summary>emr's sidecar files are written by the merge units: the same bytes whichever silos ran them.</summary>
public sealed class EmrJobTests : IDisposable
{
    private const string Spec = """
        merge_method: emr
        base_model: base
        models:
          - model: ft-1
          - model: ft-2
          - model: ft-3
        dtype: float32
        out_dtype: bfloat16
        """;

    private readonly string root = Directory.CreateTempSubdirectory("fusion-emr-job-").FullName;

    public EmrJobTests()
    {
        var shape = new SyntheticModelShape(Hidden: 64, Intermediate: 128, Layers: 6, Vocab: 256, Heads: 4);
        for (var variant = 0; variant <= 3; variant++)
        {
            SyntheticCheckpoint.Write(Path.Combine(root, variant == 0 ? "base" : $"ft-{variant}"), shape, DType.BF16, baseSeed: 3, variant: variant, cancellationToken: TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task Emr_mask_files_are_byte_identical_on_one_silo_and_on_three()
    {
        var files = await OneAndThreeSilos.AssertSameBytesAsync(root, Spec, "one", "three", TestContext.Current.CancellationToken, onThree: (_, status) =>
        {
            Assert.True(status.Silos.Count(s => s.UnitsDone > 0) > 1, "the units should have been spread over several silos");
            return Task.CompletedTask;
        });

        string[] emrFiles = [EmrFiles.UnifiedFileName, EmrFiles.TaskFileName(0), EmrFiles.TaskFileName(1), EmrFiles.TaskFileName(2)];
        Assert.Equal(emrFiles.Order(StringComparer.Ordinal), files.Keys.Where(k => k.StartsWith("emr-", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        Assert.Equal(["ft-1", "ft-2", "ft-3"], EmrTaskModel.Tasks(Path.Combine(root, "three")));
    }

    public void Dispose() => Directory.Delete(root, recursive: true);
}
