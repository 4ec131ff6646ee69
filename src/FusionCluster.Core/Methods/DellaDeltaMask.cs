using System.Runtime.Intrinsics;
using FusionCluster.Core.Methods.Kernels;

namespace FusionCluster.Core.Methods;

/// <summary>
/// DELLA's MagPrune: within each row, the element of ascending |δ| rank r (0..n-1, ties by column) is kept with
/// probability p(r) = (density - ε) + 2ε·r/(n - 1), i.e. when its draw u = d·2^-53 is below p(r), which for the integer
/// d is d &lt; limit(r) = ⌈p(r)·2^53⌉ (<see cref="RandomKeepMask.DrawLimit"/>). Chunks must hold whole rows. Rank is taken
/// along the last dimension; mergekit ranks along dim 1, which is the same for the 1-D and 2-D tensors of LLMs.
/// </summary>
/// <remarks>
/// Most decisions need no rank: limit(r) is monotone in r, so a draw below limit(0) is kept and one at or above
/// limit(n-1) dropped whatever the rank (all but 2ε of the elements). For the rest, a histogram of the keys' top 11 bits
/// (exponent and 3 mantissa bits) bounds the rank to its bucket's range, which settles nearly all; the few left get
/// their exact rank by counting the row. A row with many such elements (large ties, say many zero deltas) or a
/// negative ε is ranked by a full stable radix sort instead. Every path decides exactly as the sort does.
/// </remarks>
internal sealed class DellaDeltaMask : RecordableDeltaMask
{
    // 31-bit |x| keys: the top 11 bits are the exponent and 3 mantissa bits.
    private const int BucketShift = 20;
    private const int Buckets = 1 << 11;

    // Counting the row costs n/8 vector steps per element; beyond this many a row's sort is cheaper.
    private const int MaxCounted = 64;

    private readonly ulong seed;
    private readonly int rowLength;
    private readonly ulong[] limits;
    private readonly bool monotone;

    public DellaDeltaMask(ulong seed, double density, double epsilon, long rowLength)
    {
        this.seed = seed;
        this.rowLength = (int)rowLength;
        var n = this.rowLength;
        limits = new ulong[n];
        monotone = true;
        for (var rank = 0; rank < n; rank++)
        {
            var normalized = n > 1 ? (double)rank / (n - 1) : 0;
            var p = density - epsilon + 2 * epsilon * normalized;
            limits[rank] = RandomKeepMask.DrawLimit(p);
            monotone &= rank == 0 || limits[rank] >= limits[rank - 1];
        }
    }

    public override void Apply(int chunk, long start, Span<float> delta)
    {
        using var keep = new RentedBuffer<ulong>(KeepBits.Words(delta.Length));
        keep.Span.Clear();
        Decide(chunk, start, delta, keep.Span);
        KeepBits.Apply(keep.Span, delta);
    }

    public override void Decide(int chunk, long start, ReadOnlySpan<float> delta, Span<ulong> keep)
    {
        var n = rowLength;
        using var keys = new RentedBuffer<uint>(n);
        using var draws = new RentedBuffer<ulong>(n);
        using var uncertain = new RentedBuffer<int>(n);
        using var counts = new RentedBuffer<int>(Buckets);
        counts.Span.Clear();
        for (var row = 0; row < delta.Length; row += n)
        {
            var values = delta.Slice(row, n);
            for (var c = 0; c < n; c++)
            {
                keys.Span[c] = SortKeys.Abs(values[c]);
            }

            RandomKeepMask.FillDraws(seed, start + row, draws.Span);
            if (!monotone || !DecideByBuckets(row, keys.Span[..n], draws.Span[..n], uncertain.Span, counts.Span, keep))
            {
                DecideBySorting(row, keys.Span[..n], draws.Span[..n], keep);
            }
        }
    }

    /// <summary>Decides the row without sorting; false (having set only correct keep bits) when too many elements need an exact rank.</summary>
    private bool DecideByBuckets(int row, ReadOnlySpan<uint> keys, ReadOnlySpan<ulong> draws, Span<int> uncertain, Span<int> counts, Span<ulong> keep)
    {
        var n = keys.Length;
        ulong low = limits[0], high = limits[n - 1];
        var undecided = 0;
        for (var c = 0; c < n; c++)
        {
            var d = draws[c];
            var at = row + c;
            keep[at >> 6] |= (d < low ? 1UL : 0UL) << (at & 63);
            // d - low wraps around for d < low, so this is low <= d < high.
            uncertain[undecided] = c;
            undecided += d - low < high - low ? 1 : 0;
        }

        if (undecided == 0)
        {
            return true;
        }

        uint minKey = uint.MaxValue, maxKey = 0;
        foreach (var key in keys)
        {
            counts[(int)(key >> BucketShift)]++;
            minKey = Math.Min(minKey, key);
            maxKey = Math.Max(maxKey, key);
        }

        // counts[b] becomes the first rank of bucket b; its end is the next bucket's first rank.
        int first = (int)(minKey >> BucketShift), last = (int)(maxKey >> BucketShift);
        var running = 0;
        for (var b = first; b <= last; b++)
        {
            (counts[b], running) = (running, running + counts[b]);
        }

        var counted = 0;
        Span<int> toCount = stackalloc int[MaxCounted];
        for (var i = 0; i < undecided; i++)
        {
            var c = uncertain[i];
            var d = draws[c];
            var b = (int)(keys[c] >> BucketShift);
            var lowest = counts[b];
            var highest = (b < last ? counts[b + 1] : n) - 1;
            if (d < limits[lowest])
            {
                KeepBits.Set(keep, row + c);
            }
            else if (d < limits[highest])
            {
                if (counted == MaxCounted)
                {
                    counts[first..(last + 1)].Clear();
                    return false;
                }

                toCount[counted++] = c;
            }
        }

        counts[first..(last + 1)].Clear();
        for (var i = 0; i < counted; i++)
        {
            var c = toCount[i];
            if (draws[c] < limits[Rank(keys, c)])
            {
                KeepBits.Set(keep, row + c);
            }
        }

        return true;
    }

    /// <summary>The stable ascending rank of column c: keys below it, plus equal keys at earlier columns.</summary>
    private static int Rank(ReadOnlySpan<uint> keys, int c)
    {
        // Keys are below 2^31, so signed comparisons order them.
        var key = (int)keys[c];
        return CountAtMost(keys[..c], key) + CountBelow(keys[(c + 1)..], key);
    }

    private static int CountAtMost(ReadOnlySpan<uint> keys, int key) => keys.Length - CountAbove(keys, key);

    private static int CountAbove(ReadOnlySpan<uint> keys, int key)
    {
        var count = 0;
        var k = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var bound = Vector256.Create(key);
            var sum = Vector256<int>.Zero;
            for (; k <= keys.Length - 8; k += 8)
            {
                sum -= Vector256.GreaterThan(Vector256.Create<uint>(keys.Slice(k, 8)).AsInt32(), bound);
            }

            count = Vector256.Sum(sum);
        }

        for (; k < keys.Length; k++)
        {
            count += (int)keys[k] > key ? 1 : 0;
        }

        return count;
    }

    private static int CountBelow(ReadOnlySpan<uint> keys, int key)
    {
        var count = 0;
        var k = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var bound = Vector256.Create(key);
            var sum = Vector256<int>.Zero;
            for (; k <= keys.Length - 8; k += 8)
            {
                sum -= Vector256.LessThan(Vector256.Create<uint>(keys.Slice(k, 8)).AsInt32(), bound);
            }

            count = Vector256.Sum(sum);
        }

        for (; k < keys.Length; k++)
        {
            count += (int)keys[k] < key ? 1 : 0;
        }

        return count;
    }

    /// <summary>Ranks the whole row with a stable radix sort (ascending |δ|, ties by column) and decides every element.</summary>
    private void DecideBySorting(int row, ReadOnlySpan<uint> keys, ReadOnlySpan<ulong> draws, Span<ulong> keep)
    {
        var n = keys.Length;
        using var sortKeys = new RentedBuffer<uint>(n);
        using var scratchKeys = new RentedBuffer<uint>(n);
        using var order = new RentedBuffer<int>(n);
        using var scratchOrder = new RentedBuffer<int>(n);
        keys.CopyTo(sortKeys.Span);
        StableRadixOrder.Sort(sortKeys.Span[..n], order.Span, scratchKeys.Span, scratchOrder.Span);
        for (var rank = 0; rank < n; rank++)
        {
            var c = order.Span[rank];
            if (draws[c] < limits[rank])
            {
                KeepBits.Set(keep, row + c);
            }
        }
    }
}
