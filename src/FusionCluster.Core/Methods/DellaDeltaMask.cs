using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using FusionCluster.Core.Methods.Kernels;

namespace FusionCluster.Core.Methods;

/// <summary>
/// DELLA's MagPrune: within each row, the element of ascending |δ| rank r (0..n-1, ties by column) is kept with
/// probability p(r) = (density - ε) + 2ε·r/(n - 1), i.e. when its draw u = d·2^-53 is below p(r), which for the integer
/// d is d &lt; limit(r) = ⌈p(r)·2^53⌉ (<see cref="RandomKeepMask.DrawLimit"/>). Chunks must hold whole rows. Rank is taken
/// along the last dimension; mergekit ranks along dim 1, which is the same for the 1-D and 2-D tensors of LLMs.
/// </summary>
/// <remarks>
/// Most decisions need no exact rank: limit(r) is monotone in r, so a draw is kept when it is below the limit of the
/// lowest rank its element can have and dropped when it is at or above that of the highest. A histogram of |δ| over
/// about n/4 equal-width buckets from 0 to the row's largest |δ| bounds each rank to its bucket's range. Every draw is
/// first compared with the limits of 16 coarse buckets (vector permutes with AVX-512, gathers with AVX2), which settles all but a few
/// percent; those are looked up in their fine bucket, and the few left get their exact rank by counting the row.
/// Equal widths put the buckets where the deltas are: buckets of the float's exponent and top mantissa bits spent most
/// of themselves on octaves far below the largest |δ|, left more ranks to count and cost a walk over 512 buckets per
/// row. A row with many ranks to count (large ties), NaN or infinite deltas, or a negative ε is ranked by a full stable
/// radix sort instead. Every path decides exactly as the sort does.
/// </remarks>
internal sealed class DellaDeltaMask : RecordableDeltaMask
{
    // Counting the row costs n/16 vector steps per element; beyond this many a row's sort is cheaper.
    private const int MaxCounted = 64;

    // The bucket histogram is counted in this many copies (see Count).
    private const int HistogramCopies = 4;

    private readonly ulong seed;
    private readonly int rowLength;
    private readonly ulong[] limits;
    private readonly bool monotone;
    private readonly int buckets;

    public DellaDeltaMask(ulong seed, double density, double epsilon, long rowLength)
    {
        this.seed = seed;
        this.rowLength = (int)rowLength;
        var n = this.rowLength;
        limits = new ulong[n];
        // About four columns per bucket.
        buckets = (int)Math.Clamp(BitOperations.RoundUpToPowerOf2((uint)n) / 4, 16, 1024);
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
        using var bucketOf = new RentedBuffer<int>(n);
        using var toCount = new RentedBuffer<int>(n);
        using var starts = new RentedBuffer<int>(HistogramCopies * (buckets + 1));
        for (var row = 0; row < delta.Length; row += n)
        {
            var rowKeys = keys.Span[..n];
            var rowDraws = draws.Span[..n];
            // SortKeys.Abs, vectorised: the bits of |x|.
            TensorPrimitives.BitwiseAnd(MemoryMarshal.Cast<float, uint>(delta.Slice(row, n)), 0x7FFFFFFFu, rowKeys);
            RandomKeepMask.FillDraws(seed, start + row, rowDraws);
            if (!monotone || !DecideByBuckets(row, rowKeys, rowDraws, open.Span, bucketOf.Span, toCount.Span, starts.Span, keep))
            {
                DecideBySorting(row, rowKeys, rowDraws, keep);
            }
        }
    }

    /// <summary>Decides the row without sorting; false (having set only correct keep bits) when it needs the sort.</summary>
    private bool DecideByBuckets(int row, ReadOnlySpan<uint> keys, ReadOnlySpan<ulong> draws, Span<ulong> open, Span<int> bucketOf, Span<int> toCount, Span<int> starts, Span<ulong> keep)
    {
        var n = keys.Length;
        // Buckets split [0, largest |δ|] evenly: (int)(|δ|·scale) is monotone in |δ|, so bucket b holds the ranks
        // first[b] .. first[b + 1] - 1 and equal keys share a bucket. NaN or infinite deltas, an all-zero row and a
        // largest |δ| so small that scale overflows go to the sort.
        var largest = TensorPrimitives.Max(keys);
        var scale = buckets / BitConverter.UInt32BitsToSingle(largest);
        if (largest >= 0x7F800000u || !float.IsFinite(scale))
        {
            return false;
        }

        var bucket = bucketOf[..n];
        BucketsOf(keys, scale, buckets - 1, bucket);
        var first = starts[..(buckets + 1)];
        Count(bucket, starts[..(HistogramCopies * (buckets + 1))]);
        ref var firstRef = ref MemoryMarshal.GetReference(first);
        for (var b = 1; b < first.Length; b++)
        {
            first[b] += first[b - 1];
        }

        SettleByCoarseBuckets(row, draws, bucket, first, open, keep);

        // Branch-free: whether a draw is kept, dropped or needs its exact rank is a coin toss, which branches mispredict.
        ref var limitRef = ref MemoryMarshal.GetArrayDataReference(limits);
        ref var drawRef = ref MemoryMarshal.GetReference(draws);
        ref var bucketRef = ref MemoryMarshal.GetReference(bucket);
        var counted = 0;
        for (var w = 0; w < open.Length && w << 6 < n; w++)
        {
            ulong kept = 0;
            for (var bits = open[w]; bits != 0; bits &= bits - 1)
            {
                var bit = BitOperations.TrailingZeroCount(bits);
                var c = (w << 6) + bit;
                var d = Unsafe.Add(ref drawRef, c);
                var b = Unsafe.Add(ref bucketRef, c);
                var keptAnyway = d < Unsafe.Add(ref limitRef, Unsafe.Add(ref firstRef, b));
                kept |= (keptAnyway ? 1UL : 0UL) << bit;
                toCount[counted] = c;
                counted += !keptAnyway & d < Unsafe.Add(ref limitRef, Unsafe.Add(ref firstRef, b + 1) - 1) ? 1 : 0;
            }

            Or(keep, row + (w << 6), kept);
        }

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

    /// <summary>
    /// counts[b + 1] = how many of bucket hold b (one bucket up, so the running sum leaves each bucket's first rank in
    /// its own place), in the first buckets + 1 of counts. Neighbouring columns often share a bucket, and one counter
    /// incremented twice in a row waits for its own store, so four columns at a time go to four copies, added up after.
    /// </summary>
    private static void Count(ReadOnlySpan<int> bucket, Span<int> counts)
    {
        counts.Clear();
        var stride = counts.Length / HistogramCopies;
        // Indices are in 0 .. buckets - 1 by construction, so the loop skips bounds checks.
        ref var c0 = ref MemoryMarshal.GetReference(counts);
        ref var c1 = ref Unsafe.Add(ref c0, stride);
        ref var c2 = ref Unsafe.Add(ref c0, 2 * stride);
        ref var c3 = ref Unsafe.Add(ref c0, 3 * stride);
        ref var b = ref MemoryMarshal.GetReference(bucket);
        var k = 0;
        for (; k <= bucket.Length - HistogramCopies; k += HistogramCopies)
        {
            Unsafe.Add(ref c0, Unsafe.Add(ref b, k) + 1)++;
            Unsafe.Add(ref c1, Unsafe.Add(ref b, k + 1) + 1)++;
            Unsafe.Add(ref c2, Unsafe.Add(ref b, k + 2) + 1)++;
            Unsafe.Add(ref c3, Unsafe.Add(ref b, k + 3) + 1)++;
        }

        for (; k < bucket.Length; k++)
        {
            Unsafe.Add(ref c0, Unsafe.Add(ref b, k) + 1)++;
        }

        TensorPrimitives.Add(counts[..stride], counts.Slice(stride, stride), counts[..stride]);
        TensorPrimitives.Add(counts[..stride], counts.Slice(2 * stride, stride), counts[..stride]);
        TensorPrimitives.Add(counts[..stride], counts.Slice(3 * stride, stride), counts[..stride]);
    }

    /// <summary>
    /// Sets the keep bits of the draws kept at any rank of their coarse bucket (16 consecutive fine buckets' worth of
    /// ranks) and the open bits of those whose rank within it decides; the rest are dropped. The 16 coarse ranges'
    /// draw limits fit two registers each, so every draw is looked up with a vector permute rather than a load (with
    /// AVX-512; AVX2 gathers four at a time, a scalar loop with a branch per draw took a third of a merge's time).
    /// </summary>
    private unsafe void SettleByCoarseBuckets(int row, ReadOnlySpan<ulong> draws, ReadOnlySpan<int> bucket, ReadOnlySpan<int> first, Span<ulong> open, Span<ulong> keep)
    {
        var n = draws.Length;
        var shift = BitOperations.Log2((uint)buckets) - 4;
        Span<ulong> low = stackalloc ulong[16];
        Span<ulong> high = stackalloc ulong[16];
        for (var coarse = 0; coarse < 16; coarse++)
        {
            // An empty coarse bucket's limits are never looked up.
            low[coarse] = limits[Math.Min(first[coarse << shift], n - 1)];
            high[coarse] = limits[Math.Max(first[(coarse + 1) << shift] - 1, 0)];
        }

        open[..KeepBits.Words(n)].Clear();
        var k = 0;
        if (Avx512F.IsSupported)
        {
            var (low0, low1) = (Vector512.Create<ulong>(low[..8]), Vector512.Create<ulong>(low[8..]));
            var (high0, high1) = (Vector512.Create<ulong>(high[..8]), Vector512.Create<ulong>(high[8..]));
            for (; k <= n - 64; k += 64)
            {
                ulong kept = 0, undecided = 0;
                for (var lane = 0; lane < 64; lane += 8)
                {
                    var coarse = Vector512.WidenLower(Vector256.Create(bucket.Slice(k + lane, 8)).ToVector512()).AsUInt64() >>> shift;
                    var d = Vector512.Create(draws.Slice(k + lane, 8));
                    var below = Vector512.LessThan(d, Avx512F.PermuteVar8x64x2(low0, coarse, low1));
                    kept |= below.ExtractMostSignificantBits() << lane;
                    undecided |= Vector512.AndNot(Vector512.LessThan(d, Avx512F.PermuteVar8x64x2(high0, coarse, high1)), below).ExtractMostSignificantBits() << lane;
                }

                Or(keep, row + k, kept);
                open[k >> 6] = undecided;
            }
        }
        else if (Avx2.IsSupported)
        {
            // Without AVX-512's two-register permutes, four draws' limits at a time are gathered from the tables. Draws and
            // limits are at most 2^53, so comparing them as signed integers is exact.
            fixed (ulong* lowTable = low, highTable = high)
            {
                for (; k <= n - 64; k += 64)
                {
                    ulong kept = 0, undecided = 0;
                    for (var lane = 0; lane < 64; lane += 4)
                    {
                        var coarse = Vector128.Create(bucket.Slice(k + lane, 4)) >>> shift;
                        var d = Vector256.Create(draws.Slice(k + lane, 4)).AsInt64();
                        var below = Vector256.LessThan(d, Avx2.GatherVector256((long*)lowTable, coarse, 8));
                        kept |= (ulong)below.ExtractMostSignificantBits() << lane;
                        undecided |= (ulong)Vector256.AndNot(Vector256.LessThan(d, Avx2.GatherVector256((long*)highTable, coarse, 8)), below).ExtractMostSignificantBits() << lane;
                    }

                    Or(keep, row + k, kept);
                    open[k >> 6] = undecided;
                }
            }
        }

        for (; k < n; k++)
        {
            var coarse = bucket[k] >> shift;
            if (draws[k] < low[coarse])
            {
                KeepBits.Set(keep, row + k);
            }
            else if (draws[k] < high[coarse])
            {
                KeepBits.Set(open, k);
            }
        }
    }

    /// <summary>bucketOf[k] = min(last, (int)(|δ_k|·scale)): the same float product and truncation in every lane and the scalar tail.</summary>
    private static void BucketsOf(ReadOnlySpan<uint> keys, float scale, int last, Span<int> bucketOf)
    {
        var magnitudes = MemoryMarshal.Cast<uint, float>(keys);
        var k = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var scaleV = Vector512.Create(scale);
            var lastV = Vector512.Create(last);
            for (; k <= magnitudes.Length - 16; k += 16)
            {
                Vector512.Min(Vector512.ConvertToInt32(Vector512.Create(magnitudes.Slice(k, 16)) * scaleV), lastV).CopyTo(bucketOf.Slice(k, 16));
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            var scaleV = Vector256.Create(scale);
            var lastV = Vector256.Create(last);
            for (; k <= magnitudes.Length - 8; k += 8)
            {
                Vector256.Min(Vector256.ConvertToInt32(Vector256.Create(magnitudes.Slice(k, 8)) * scaleV), lastV).CopyTo(bucketOf.Slice(k, 8));
            }
        }

        for (; k < magnitudes.Length; k++)
        {
            bucketOf[k] = Math.Min(last, (int)(magnitudes[k] * scale));
        }
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
        if (Vector512.IsHardwareAccelerated)
        {
            var boundV = Vector512.Create(bound);
            var sum = Vector512<uint>.Zero;
            for (; k <= keys.Length - 16; k += 16)
            {
                // A true lane is all ones, i.e. -1.
                sum -= Vector512.LessThan(Vector512.Create(keys.Slice(k, 16)), boundV);
            }

            count = (int)Vector512.Sum(sum);
        }
        else if (Vector256.IsHardwareAccelerated)
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
