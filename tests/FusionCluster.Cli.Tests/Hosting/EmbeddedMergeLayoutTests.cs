using System.Text.Json;
using System.Text.Json.Nodes;
using FusionCluster.Cli.Tests.Support;
using FusionCluster.Core.Formats;

namespace FusionCluster.Cli.Tests.Hosting;

[Collection(EndToEndCollection.Name)]
public sealed class EmbeddedMergeLayoutTests(SyntheticModels models)
{
    [Fact]
    public async Task A_small_shard_size_gives_an_index_consistent_with_the_shards()
    {
        const string Spec = """
            merge_method: linear
            models:
              - model: base
                parameters:
                  weight: 1.0
              - model: ft-1
                parameters:
                  weight: 1.0
              - model: ft-2
                parameters:
                  weight: 1.0
            dtype: bfloat16
            """;
        using var temp = new TempDirectory();
        var output = temp.Combine("out");

        // 64 KiB shards: the 32 KiB embeddings and 16 KiB MLP matrices spread over several files.
        Merges.AssertSucceeded(await Merges.RunAsync(Spec, models.Root, output, shardSizeBytes: 64 * 1024));

        var indexPath = Path.Combine(output, "model.safetensors.index.json");
        Assert.True(File.Exists(indexPath));
        Assert.False(File.Exists(Path.Combine(output, "model.safetensors")));
        Checkpoints.AssertNoStaging(output);

        var index = JsonNode.Parse(await File.ReadAllTextAsync(indexPath, TestContext.Current.CancellationToken))!;
        var weightMap = index["weight_map"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<string>());
        var shardFiles = Directory.EnumerateFiles(output, "*.safetensors").Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal).ToList();
        Assert.True(shardFiles.Count >= 3, $"expected several shards, got {shardFiles.Count}");
        Assert.Equal(shardFiles, weightMap.Values.Distinct().Order(StringComparer.Ordinal));

        // Each shard holds exactly the tensors the index assigns to it.
        long dataBytes = 0;
        foreach (var file in shardFiles)
        {
            using var shard = SafetensorsFile.Open(Path.Combine(output, file));
            Assert.Equal(
                weightMap.Where(p => p.Value == file).Select(p => p.Key).Order(StringComparer.Ordinal),
                shard.Tensors.Select(t => t.Name).Order(StringComparer.Ordinal));
            dataBytes += shard.Tensors.Sum(t => t.ByteLength);
        }

        if (index["metadata"]?["total_size"] is { } totalSize)
        {
            Assert.Equal(dataBytes, totalSize.GetValue<long>());
        }

        using var input = CheckpointFolder.Open(models.Folder("base"));
        using (var merged = CheckpointFolder.Open(output))
        {
            Assert.Equal(input.TensorNames.Order(StringComparer.Ordinal), merged.TensorNames.Order(StringComparer.Ordinal));
            Assert.Equal(shardFiles.Count, merged.ShardPaths.Count);
        }

        // The values are the same as an unsharded merge would give.
        EmbeddedMergeValueTests.AssertIsMeanOfInputs(output, models);
    }

    [Fact]
    public async Task Passthrough_frankenmerge_stacks_copied_layers()
    {
        const string Spec = """
            merge_method: passthrough
            slices:
              - sources:
                  - model: base
                    layer_range: [0, 2]
              - sources:
                  - model: ft-1
                    layer_range: [1, 3]
            dtype: bfloat16
            """;
        using var temp = new TempDirectory();
        var output = temp.Combine("out");

        Merges.AssertSucceeded(await Merges.RunAsync(Spec, models.Root, output));

        using var config = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(output, "config.json"), TestContext.Current.CancellationToken));
        Assert.Equal(4, config.RootElement.GetProperty("num_hidden_layers").GetInt32());

        using var merged = CheckpointFolder.Open(output);
        using var baseModel = CheckpointFolder.Open(models.Folder("base"));
        using var ft1 = CheckpointFolder.Open(models.Folder("ft-1"));
        var suffixes = baseModel.TensorNames
            .Where(n => n.StartsWith("model.layers.0.", StringComparison.Ordinal))
            .Select(n => n["model.layers.0.".Length..])
            .ToList();
        Assert.Equal(9, suffixes.Count);

        (CheckpointFolder Source, int Layer)[] expected = [(baseModel, 0), (baseModel, 1), (ft1, 1), (ft1, 2)];
        for (var layer = 0; layer < expected.Length; layer++)
        {
            foreach (var suffix in suffixes)
            {
                var (source, sourceLayer) = expected[layer];
                var want = Checkpoints.RawBytes(source, $"model.layers.{sourceLayer}.{suffix}");
                var got = Checkpoints.RawBytes(merged, $"model.layers.{layer}.{suffix}");
                Assert.True(want.AsSpan().SequenceEqual(got), $"output layer {layer} {suffix} is not layer {sourceLayer} of {Path.GetFileName(source.FolderPath)}");
            }
        }

        Assert.False(merged.Contains("model.layers.4.self_attn.q_proj.weight"));
        Assert.Equal(4 * suffixes.Count + 3, merged.TensorNames.Count);
        Assert.True(Checkpoints.RawBytes(baseModel, "model.embed_tokens.weight").AsSpan().SequenceEqual(Checkpoints.RawBytes(merged, "model.embed_tokens.weight")));
        Assert.True(Checkpoints.RawBytes(ft1, "lm_head.weight").AsSpan().SequenceEqual(Checkpoints.RawBytes(merged, "lm_head.weight")));
        Assert.True(Checkpoints.RawBytes(ft1, "model.norm.weight").AsSpan().SequenceEqual(Checkpoints.RawBytes(merged, "model.norm.weight")));

        // Layer 2 of ft-1 really differs from layer 2 of base, so the source of each copy is distinguishable.
        Assert.False(Checkpoints.RawBytes(ft1, "model.layers.2.self_attn.q_proj.weight").AsSpan()
            .SequenceEqual(Checkpoints.RawBytes(baseModel, "model.layers.2.self_attn.q_proj.weight")));
    }
}
