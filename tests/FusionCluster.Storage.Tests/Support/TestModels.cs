using FusionCluster.Core.Synthesis;
using FusionCluster.Core.Tensors;

namespace FusionCluster.Storage.Tests.Support;

/// <summary>Three small synthetic Llama-shaped bf16 checkpoints (a base and two fine-tunes) and a DARE-TIES spec over them.</summary>
internal static class TestModels
{
    public static readonly SyntheticModelShape Shape = new(Hidden: 64, Intermediate: 172, Layers: 3, Vocab: 256, Heads: 4);

    public static readonly string[] Names = ["base", "ft-1", "ft-2"];

    /// <summary>Writes base/, ft-1/ and ft-2/ under <paramref name="root"/>, each sharded (with an index) in ~100 kB shards.</summary>
    public static void WriteAll(string root)
    {
        for (var variant = 0; variant < Names.Length; variant++)
        {
            SyntheticCheckpoint.Write(Path.Combine(root, Names[variant]), Shape, DType.BF16, baseSeed: 11, variant, shardBytes: 100_000, cancellationToken: TestContext.Current.CancellationToken);
        }
    }

    /// <summary>A spec whose model references are <paramref name="root"/>/name (a folder or an az:// prefix).</summary>
    public static string Spec(string root) => $"""
        merge_method: dare_ties
        base_model: {root}/base
        models:
          - model: {root}/ft-1
            parameters:
              weight: 0.6
              density: 0.5
          - model: {root}/ft-2
            parameters:
              weight: 0.4
              density: 0.7
        dtype: bfloat16
        """;

    /// <summary>A frankenmerge (layers of two models stacked, copied unchanged): every tensor is a raw copy.</summary>
    public static string PassthroughSpec(string root) => $"""
        merge_method: passthrough
        slices:
          - sources:
              - model: {root}/base
                layer_range: [0, 2]
          - sources:
              - model: {root}/ft-1
                layer_range: [1, 3]
        """;
}
