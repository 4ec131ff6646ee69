using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
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
/// limit(n-1) dropped whatever the rank (all but 2ε of the elements). For the rest, a histogram of the keys' top 12 bits
/// (exponent and 4 mantissa bits) bounds the rank to its bucket's range, which settles nearly all; the few left get
/// their exact rank by counting the row. A row with many such elements (large ties, say many zero deltas) or a
/// negative ε is ranked by a full stable radix sort instead. Every path decides exactly as the sort does.
/// </remarks>
internal sealed class DellaDeltaMask : RecordableDeltaMask
{
    // 31-bit |x| keys: the top 12 bits are the exponent and 4 mantissa bits.
    private const int BucketShift = 19;
    private const int Copies = 4;

    // 32 octaves below the row's largest |δ|.
    private const int Span = 32 << (31 - BucketShift - 8);

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
        using var open = new RentedBuffer<ulong>(KeepBits.Words(n));
        using var toCount = new RentedBuffer<int>(n);
        // Copies histograms of Span buckets and one more: the end of the last occupied bucket is stored after it.
        using var counts = new RentedBuffer<int>((Span + 1) * Copies);
        counts.Span.Clear();
        for (var row = 0; row < delta.Length; row += n)
        {
            var rowKeys = keys.Span[..n];
            var rowDraws = draws.Span[..n];
            // SortKeys.Abs, vectorised: the bits of |x|.
            TensorPrimitives.BitwiseAnd(MemoryMarshal.Cast<float, uint>(delta.Slice(row, n)), 0x7FFFFFFFu, rowKeys);
            RandomKeepMask.FillDraws(seed, start + row, rowDraws);
            if (!monotone || !DecideByBuckets(row, rowKeys, rowDraws, open.Span, toCount.Span, counts.Span, keep))
            {
                DecideBySorting(row, rowKeys, rowDraws, keep);
            }
        }
    }

    /// <summary>Decides the row without sorting; false (having set only correct keep bits) when too many elements need an exact rank.</summary>
    private bool DecideByBuckets(int row, ReadOnlySpan<uint> keys, ReadOnlySpan<ulong> draws, Span<ulong> open, Span<int> toCount, Span<int> counts, Span<ulong> keep)
    {
        var n = keys.Length;
        ulong anyOpen = 0;
        for (var c = 0; c < n; c += 64)
        {
            var (kept, undecided) = Settle(draws.Slice(c, Math.Min(64, n - c)), limits[0], limits[n - 1]);
            Or(keep, row + c, kept);
            open[c >> 6] = undecided;
            anyOpen |= undecided;
        }

        if (anyOpen == 0)
        {
            return true;
        }

        // Buckets are counted from floor, at most Span of them below the largest key's: walking the histogram
        // then costs Span steps rather than one per bucket down to zero (a row's zero deltas are common).
        // Smaller keys join the lowest bucket, which keeps the buckets in key order.
        var last = (int)(TensorPrimitives.Max(keys) >> BucketShift);
        var floor = Math.Max(0, last - Span + 1);
        last -= floor;

        // Bucket b's count is the sum of counts[b * Copies + j]: consecutive keys land in different copies, so
        // increments of a common bucket do not wait on each other through memory.
        var k = 0;
        for (; k <= n - Copies; k += Copies)
        {
            for (var j = 0; j < Copies; j++)
            {
                counts[Bucket(keys[k + j], floor) + j]++;
            }
        }

        for (; k < n; k++)
        {
            counts[Bucket(keys[k], floor)]++;
        }

        // counts[b * Copies] becomes the first rank of bucket b; its end is the next bucket's first rank (n after the last).
        var running = 0;
        for (var b = 0; b <= last * Copies; b += Copies)
        {
            var count = 0;
            for (var j = 0; j < Copies; j++)
            {
                count += counts[b + j];
            }

            (counts[b], running) = (running, running + count);
        }

        counts[(last + 1) * Copies] = n;

        // Branch-free: whether a draw is kept, dropped or needs its exact rank is a coin toss, which branches mispredict.
        var counted = 0;
        for (var w = 0; w < open.Length && w << 6 < n; w++)
        {
            ulong kept = 0;
            for (var bits = open[w]; bits != 0; bits &= bits - 1)
            {
                var bit = BitOperations.TrailingZeroCount(bits);
                var c = (w << 6) + bit;
                var d = draws[c];
                var b = Bucket(keys[c], floor);
                var keptAnyway = d < limits[counts[b]];
                kept |= (keptAnyway ? 1UL : 0UL) << bit;
                toCount[counted] = c;
                counted += !keptAnyway & d < limits[counts[b + Copies] - 1] ? 1 : 0;
            }

            Or(keep, row + (w << 6), kept);
        }

        counts[..((last + 2) * Copies)].Clear();
        if (counted > MaxCounted)
        {
            return false;
        }

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

    /// <summary>The first counter of the key's bucket.</summary>
    private static int Bucket(uint key, int floor) => Math.Max((int)(key >> BucketShift) - floor, 0) * Copies;

    /// <summary>
    /// For up to 64 draws, the bits of those kept at any rank (below low) and of those whose rank decides
    /// (low &lt;= d &lt; high); the rest are dropped at any rank.
    /// </summary>
    private static (ulong Kept, ulong Open) Settle(ReadOnlySpan<ulong> draws, ulong low, ulong high)
    {
        ulong kept = 0, open = 0;
        var k = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var lowV = Vector512.Create(low);
            var spanV = Vector512.Create(high - low);
            for (; k <= draws.Length - 8; k += 8)
            {
                var d = Vector512.Create(draws.Slice(k, 8));
                kept |= Vector512.LessThan(d, lowV).ExtractMostSignificantBits() << k;
                // d - low wraps around for d < low, so this is low <= d < high.
                open |= Vector512.LessThan(d - lowV, spanV).ExtractMostSignificantBits() << k;
            }
        }

        for (; k < draws.Length; k++)
        {
            kept |= (draws[k] < low ? 1UL : 0UL) << k;
            open |= (draws[k] - low < high - low ? 1UL : 0UL) << k;
        }

        return (kept, open);
    }

    /// <summary>Sets the bits of word in keep, starting at bit at.</summary>
    private static void Or(Span<ulong> keep, int at, ulong word)
    {
        var shift = at & 63;
        keep[at >> 6] |= word << shift;
        // Only bits of elements in the chunk are set, so a spill is within keep.
        if (shift != 0 && word >> (64 - shift) != 0)
        {
            keep[(at >> 6) + 1] |= word >> (64 - shift);
        }
    }

    /// <summary>The stable ascending rank of column c: keys up to its own at earlier columns, plus keys below it at later ones.</summary>
    private static int Rank(ReadOnlySpan<uint> keys, int c)
    {
        // Keys are below 2^31, so key + 1 does not wrap.
        var key = keys[c];
        return CountBelow(keys[..c], key + 1) + CountBelow(keys[(c + 1)..], key);
    }

    private static int CountBelow(ReadOnlySpan<uint> keys, uint bound)
    {
        var count = 0;
        var k = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var boundV = Vector256.Create(bound);
            var sum = Vector256<uint>.Zero;
            for (; k <= keys.Length - 8; k += 8)
            {
                // A true lane is all ones, i.e. -1.
                sum -= Vector256.LessThan(Vector256.Create(keys.Slice(k, 8)), boundV);
            }

            count = (int)Vector256.Sum(sum);
        }

        for (; k < keys.Length; k++)
        {
            count += keys[k] < bound ? 1 : 0;
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
