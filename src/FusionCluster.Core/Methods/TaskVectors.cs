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

    /// <summary>Key fillers over |x_s - b| for several models at once, reading the base once per block.</summary>
    public static BatchedTopKSelection.MultiKeyFiller AbsKeys(IReadOnlyList<TensorSource> xs, TensorSource b) => (start, length, keys) =>
    {
        using var baseBuf = new RentedBuffer<float>(length);
        b.Read(start, baseBuf.Span);
        var all = MemoryMarshal.Cast<uint, float>(keys);
        for (var s = 0; s < xs.Count; s++)
        {
            var d = all.Slice(s * length, length);
            xs[s].Read(start, d);
            GramMatrix.Subtract(d, baseBuf.Span);
            TensorPrimitives.Abs(d, d);
        }
    };
}
