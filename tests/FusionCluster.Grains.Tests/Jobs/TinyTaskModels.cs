using FusionCluster.Core.Synthesis;
using FusionCluster.Core.Tensors;

namespace FusionCluster.Grains.Tests.Jobs;

/// <summary>A base and two fine-tunes (base/, ft-1/, ft-2/ in a folder), small enough that a job of them takes a moment.</summary>
internal static class TinyTaskModels
{
    public static void Write(string root, ulong seed, CancellationToken cancellationToken)
    {
        var shape = new SyntheticModelShape(Hidden: 64, Intermediate: 128, Layers: 2, Vocab: 256, Heads: 4);
        foreach (var (name, variant) in new[] { ("base", 0), ("ft-1", 1), ("ft-2", 2) })
        {
            SyntheticCheckpoint.Write(Path.Combine(root, name), shape, DType.BF16, baseSeed: seed, variant: variant, cancellationToken: cancellationToken);
        }
    }
}
