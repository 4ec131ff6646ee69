using FusionCluster.Cli.Tests.Support;
using FusionCluster.Core.Formats;

namespace FusionCluster.Cli.Tests.Hosting;

[Collection(EndToEndCollection.Name)]
public sealed class EmbeddedMergeDeterminismTests(SyntheticModels models)
{
    private const string DareTies = """
        merge_method: dare_ties
        base_model: base
        models:
          - model: ft-1
            parameters:
              weight: 1.0
              density: 0.5
          - model: ft-2
            parameters:
              weight: 1.0
              density: 0.5
        dtype: bfloat16
        """;

    [Fact]
    public async Task A_random_merge_is_byte_identical_whatever_the_parallelism()
    {
        using var temp = new TempDirectory();
        var serial = temp.Combine("serial");
        var parallel = temp.Combine("parallel");
        var otherSeed = temp.Combine("seed-8");

        Merges.AssertSucceeded(await Merges.RunAsync(DareTies, models.Root, serial, seed: 7, maxParallelUnits: 1));
        Merges.AssertSucceeded(await Merges.RunAsync(DareTies, models.Root, parallel, seed: 7, maxParallelUnits: 4));
        Merges.AssertSucceeded(await Merges.RunAsync(DareTies, models.Root, otherSeed, seed: 8, maxParallelUnits: 4));

        var serialFiles = SafetensorsFiles(serial);
        Assert.NotEmpty(serialFiles);
        Assert.Equal(serialFiles, SafetensorsFiles(parallel));
        foreach (var file in serialFiles)
        {
            var expected = await File.ReadAllBytesAsync(Path.Combine(serial, file), TestContext.Current.CancellationToken);
            var actual = await File.ReadAllBytesAsync(Path.Combine(parallel, file), TestContext.Current.CancellationToken);
            Assert.True(expected.AsSpan().SequenceEqual(actual), $"{file} differs between 1 and 4 parallel units");
        }

        // The seed matters (so the comparison above is not trivially equal), and the merge is not the base.
        using var a = CheckpointFolder.Open(serial);
        using var b = CheckpointFolder.Open(otherSeed);
        using var baseModel = CheckpointFolder.Open(models.Folder("base"));
        const string Tensor = "model.layers.1.mlp.gate_proj.weight";
        Assert.False(Checkpoints.RawBytes(a, Tensor).AsSpan().SequenceEqual(Checkpoints.RawBytes(b, Tensor)), "seeds 7 and 8 gave the same DARE result");
        Assert.False(Checkpoints.RawBytes(a, Tensor).AsSpan().SequenceEqual(Checkpoints.RawBytes(baseModel, Tensor)), "the merge equals the base");
    }

    private static List<string> SafetensorsFiles(string folder) =>
        Directory.EnumerateFiles(folder, "*.safetensors").Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal).ToList();
}
