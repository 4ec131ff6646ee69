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
        using var buf = new RentedBuffer<float>(keys.Length);
        Read(x, b, start, buf.Span);
        var d = buf.Span;
        for (var k = 0; k < keys.Length; k++)
        {
            keys[k] = SortKeys.Abs(d[k]);
        }
    };
}
