using System.Security.Cryptography;
using FusionCluster.Core.Methods;
using FusionCluster.Core.Storage;
using FusionCluster.Core.Synthesis;
using FusionCluster.Core.Tensors;
using FusionCluster.Grains.Abstractions;
using Orleans.TestingHost;

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
            SyntheticCheckpoint.Write(Path.Combine(root, variant == 0 ? "base" : $"ft-{variant}"), shape, DType.BF16, baseSeed: 3, variant: variant);
        }
    }

    [Fact]
    public async Task Emr_mask_files_are_byte_identical_on_one_silo_and_on_three()
    {
        await using (var one = await WorkerCluster.StartAsync(unitSlots: 1, silos: 1))
        {
            Assert.Equal(JobState.Succeeded, (await RunAsync(one, "one")).State);
        }

        await using (var three = await WorkerCluster.StartAsync(unitSlots: 1, silos: 3))
        {
            var status = await RunAsync(three, "three");
            Assert.True(status.State == JobState.Succeeded, status.Error);
            Assert.True(status.Silos.Count(s => s.UnitsDone > 0) > 1, "the units should have been spread over several silos");
        }

        var expected = ModelFiles(Path.Combine(root, "one"));
        var actual = ModelFiles(Path.Combine(root, "three"));
        string[] emrFiles = [EmrFiles.UnifiedFileName, EmrFiles.TaskFileName(0), EmrFiles.TaskFileName(1), EmrFiles.TaskFileName(2)];
        Assert.Equal(emrFiles.Order(StringComparer.Ordinal), expected.Keys.Where(k => k.StartsWith("emr-", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), actual.Keys.Order(StringComparer.Ordinal));
        foreach (var (file, hash) in expected)
        {
            Assert.True(hash == actual[file], $"{file} differs between one silo and three");
        }

        Assert.Equal(["ft-1", "ft-2", "ft-3"], EmrTaskModel.Tasks(Path.Combine(root, "three")));
    }

    public void Dispose() => Directory.Delete(root, recursive: true);

    private async Task<JobStatus> RunAsync(InProcessTestCluster cluster, string output)
    {
        var job = cluster.Client.GetGrain<IMergeJobGrain>($"emr-{output}");
        var status = await job.Start(new MergeRequest { SpecText = Spec, SpecDirectory = root, Output = Path.Combine(root, output) });
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (!status.IsFinished && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10, TestContext.Current.CancellationToken);
            status = await job.GetStatus();
        }

        return status;
    }

    private static Dictionary<string, string> ModelFiles(string folder) =>
        Directory.EnumerateFiles(folder)
            .Where(f => Path.GetFileName(f) is not ("fusion-report.json" or MergeManifest.FileName))
            .ToDictionary(f => Path.GetFileName(f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));
}
