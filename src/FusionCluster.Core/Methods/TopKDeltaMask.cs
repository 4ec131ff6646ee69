using System.Numerics;
using System.Runtime.InteropServices;
using FusionCluster.Core.Methods.Kernels;

namespace FusionCluster.Core.Methods;

/// <summary>
/// Keeps the elements of <see cref="Keep"/> and not of <see cref="Drop"/> (both top-k sets of |δ|):
/// TIES keeps the top k; breadcrumbs keeps top(n - n_bottom) minus top(n_top), i.e. the middle band of a
/// stable descending sort.
/// </summary>
internal sealed class TopKDeltaMask(TopKSelection keep, TopKSelection? drop) : DeltaMask
{
    public TopKSelection Keep { get; } = keep;

    public TopKSelection? Drop { get; } = drop;

    public override void Apply(int chunk, long start, Span<float> delta)
    {
        if (Drop is null && Keep.KeepsEveryTie)
        {
            KeepAtLeast(Keep.Threshold, delta);
            return;
        }

        using var keys = new RentedBuffer<uint>(delta.Length);
        using var kept = new RentedBuffer<byte>(delta.Length);
        using var dropped = new RentedBuffer<byte>(Drop is null ? 0 : delta.Length);
        for (var k = 0; k < delta.Length; k++)
        {
            keys.Span[k] = SortKeys.Abs(delta[k]);
        }
        Keep.Mark(chunk, keys.Span, kept.Span);
        Drop?.Mark(chunk, keys.Span, dropped.Span);
        for (var k = 0; k < delta.Length; k++)
        {
            if (kept.Span[k] == 0 || (Drop is not null && dropped.Span[k] != 0))
            {
                delta[k] = 0;
            }
        }
    }

    /// <summary>Zeroes every delta whose |value| key is below the threshold, a vector at a time.</summary>
    private static void KeepAtLeast(uint threshold, Span<float> delta)
    {
        var bits = MemoryMarshal.Cast<float, uint>(delta);
        var width = Vector<uint>.Count;
        var limit = new Vector<uint>(threshold);
        var magnitude = new Vector<uint>(0x7FFFFFFFu);
        var k = 0;
        for (; k <= bits.Length - width; k += width)
        {
            var v = new Vector<uint>(bits.Slice(k, width));
            Vector.ConditionalSelect(Vector.GreaterThanOrEqual(v & magnitude, limit), v, Vector<uint>.Zero).CopyTo(bits.Slice(k, width));
        }

        for (; k < bits.Length; k++)
        {
            if ((bits[k] & 0x7FFFFFFFu) < threshold)
            {
                bits[k] = 0;
            }
        }
    }
}
