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
        if (Drop is null && Keep.K > 0)
        {
            KeepTopK(Keep, chunk, delta);
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

    /// <summary>
    /// Keeps keys above the threshold, and keys equal to it while the tie budget lasts (lowest index first):
    /// a vector at a time, dropping to scalar code only for vectors that hold a tie that may be dropped.
    /// </summary>
    private static void KeepTopK(TopKSelection selection, int chunk, Span<float> delta)
    {
        var (threshold, everyTie) = (selection.Threshold, selection.KeepsEveryTie);
        var (tiesToKeep, tieOrdinal) = (selection.TiesToKeep, selection.TiesBefore(chunk));
        var bits = MemoryMarshal.Cast<float, uint>(delta);
        var width = Vector<uint>.Count;
        var limit = new Vector<uint>(threshold);
        var magnitude = new Vector<uint>(0x7FFFFFFFu);
        var k = 0;
        for (; k <= bits.Length - width; k += width)
        {
            var v = new Vector<uint>(bits.Slice(k, width));
            var key = v & magnitude;
            if (everyTie || !Vector.EqualsAny(key, limit))
            {
                Vector.ConditionalSelect(Vector.GreaterThanOrEqual(key, limit), v, Vector<uint>.Zero).CopyTo(bits.Slice(k, width));
                continue;
            }

            // Task vectors of bf16 checkpoints tie by the hundred at the threshold, so a vector whose ties all fit the
            // budget, or all come after it, is decided whole; only the one vector that straddles it goes lane by lane.
            var ties = (long)Vector.Sum(Vector.Equals(key, limit) & Vector<uint>.One);
            if (tieOrdinal + ties <= tiesToKeep || tieOrdinal >= tiesToKeep)
            {
                var keptTies = tieOrdinal < tiesToKeep;
                var kept = keptTies ? Vector.GreaterThanOrEqual(key, limit) : Vector.GreaterThan(key, limit);
                Vector.ConditionalSelect(kept, v, Vector<uint>.Zero).CopyTo(bits.Slice(k, width));
                tieOrdinal += ties;
                continue;
            }

            for (var lane = k; lane < k + width; lane++)
            {
                KeepOne(ref bits[lane], threshold, tiesToKeep, ref tieOrdinal);
            }
        }

        for (; k < bits.Length; k++)
        {
            KeepOne(ref bits[k], threshold, everyTie ? long.MaxValue : tiesToKeep, ref tieOrdinal);
        }
    }

    private static void KeepOne(ref uint bits, uint threshold, long tiesToKeep, ref long tieOrdinal)
    {
        var key = bits & 0x7FFFFFFFu;
        if (key == threshold)
        {
            if (tieOrdinal++ >= tiesToKeep)
            {
                bits = 0;
            }
        }
        else if (key < threshold)
        {
            bits = 0;
        }
    }
}
