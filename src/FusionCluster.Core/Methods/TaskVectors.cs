using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using FusionCluster.Core.Methods.Kernels;

namespace FusionCluster.Core.Methods;

/// <summary>Chunk-wise access to task vectors δ = x - base.</summary>
internal static class TaskVectors
{
    /// <summary>Fills delta with x - b for elements [start, start + delta.Length).</summary>
    public static void Read(TensorSource x, TensorSource b, long start, Span<float> delta)
    {
        using var baseBuf = new RentedBuffer<float>(delta.Length);
        x.Read(start, delta);
        b.Read(start, baseBuf.Span);
        GramMatrix.Subtract(delta, baseBuf.Span);
    }

    /// <summary>A key filler over |x - b|, for magnitude selections.</summary>
    public static KeyFiller AbsKeys(TensorSource x, TensorSource b) => (start, keys) =>
    {
        // |x| as IEEE bits orders like |x| itself (SortKeys.Abs), so the float buffer doubles as the keys.
        var d = MemoryMarshal.Cast<uint, float>(keys);
        Read(x, b, start, d);
        TensorPrimitives.Abs(d, d);
    };

    /// <summary>Several models and their base, block by block, for magnitude selections over their task vectors.</summary>
    public static BatchedTopKSelection.DeltaFiller Deltas(IReadOnlyList<TensorSource> xs, TensorSource b) => (start, length, origin, values) =>
    {
        b.Read(start, origin);
        for (var s = 0; s < xs.Count; s++)
        {
            xs[s].Read(start, values.Slice(s * length, length));
        }
    };

    /// <summary>
    /// The exact selections <paramref name="wanted"/> of the models' task-vector magnitudes |x - b|, in its order, found in
    /// one pass that reads the base and each selected model once per chunk.
    /// </summary>
    public static TopKSelection[] SelectMagnitudes(ChunkPlan plan, IReadOnlyList<MagnitudeSelection> wanted, IReadOnlyList<ModelTensor> models, TensorSource b)
    {
        if (wanted.Count == 0)
        {
            return [];
        }

        var keyed = wanted.Select(w => w.Model).Distinct().ToList();
        var sources = keyed.Select(m => models[m].Tensor).ToList();
        var requests = wanted.Select(w => new BatchedTopKSelection.Request(keyed.IndexOf(w.Model), w.K)).ToList();
        return BatchedTopKSelection.Select(plan, sources.Count, requests, Deltas(sources, b), source => AbsKeys(sources[source], b));
    }
}
