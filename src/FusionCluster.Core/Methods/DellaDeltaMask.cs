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
/// first compared with the limits of 16 coarse buckets (64-bit permutes with AVX-512; with AVX2 by their top 31 bits,
/// eight at a time through 32-bit permutes), which settles all but a few percent; those are looked up in their fine
/// bucket, and the rest get their exact rank by counting the row once per magnitude among them: the task vectors of bf16
/// checkpoints tie by the hundred, and one pass that counts the smaller keys and marks the ties ranks every column of
/// that magnitude (until 2026-12-07 each column counted the row again, and a row of more than 64 was sorted: three
/// times slower on such rows). Equal widths put the buckets where the deltas are: buckets of the float's exponent and
/// top mantissa bits spent most of themselves on octaves far below the largest |δ|, left more ranks to count and cost a
/// walk over 512 buckets per row. A row with more than 64 magnitudes to count, NaN or infinite deltas, or a negative ε
/// is ranked by a full stable radix sort instead. Every path decides exactly as the sort does.
/// </remarks>
internal sealed class DellaDeltaMask : RecordableDeltaMask
{
    // Counting the row costs n/8 vector steps per magnitude; beyond this many magnitudes a row's sort is cheaper.
    private const int MaxCounted = 64;

    // The bucket histogram is counted in this many copies (see Count).
    private const int HistogramCopies = 4;

    // Draws and limits shifted by this many bits fit a non-negative int (see SettleByCoarseBuckets).
    private const int LimitShift = 22;

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

        if (counted == 0)
        {
            return true;
        }

        // The rest are ranked by counting the row once per magnitude: ties of bf16 task vectors leave hundreds of
        // columns of a few magnitudes undecided. A column's rank is the count of smaller keys plus the ties before it.
        Span<uint> magnitudes = stackalloc uint[MaxCounted];
        Span<int> groupEnds = stackalloc int[MaxCounted];
        groupEnds.Clear();
        var distinct = 0;
        using var groups = new RentedBuffer<byte>(counted);
        for (var i = 0; i < counted; i++)
        {
            var key = keys[toCount[i]];
            var m = magnitudes[..distinct].IndexOf(key);
            if (m < 0)
            {
                if (distinct == MaxCounted)
                {
                    return false;
                }

                m = distinct++;
                magnitudes[m] = key;
            }

            groups.Span[i] = (byte)m;
            groupEnds[m]++;
        }

        // The columns grouped by magnitude, each group in column order (a counting sort, stable).
        for (var m = 1; m < distinct; m++)
        {
            groupEnds[m] += groupEnds[m - 1];
        }

        using var ordered = new RentedBuffer<int>(counted);
        for (var i = counted - 1; i >= 0; i--)
        {
            ordered.Span[--groupEnds[groups.Span[i]]] = toCount[i];
        }

        using var ties = new RentedBuffer<ulong>(KeepBits.Words(n));
        for (var m = 0; m < distinct; m++)
        {
            var below = CountBelowAndMarkTies(keys, magnitudes[m], ties.Span);
            var (word, tiesBefore) = (0, 0);
            foreach (var c in ordered.Span[groupEnds[m]..(m + 1 < distinct ? groupEnds[m + 1] : counted)])
            {
                // Columns come in order, so the ties before each are counted on from the last.
                for (; word < c >> 6; word++)
                {
                    tiesBefore += BitOperations.PopCount(ties.Span[word]);
                }

                var rank = below + tiesBefore + BitOperations.PopCount(ties.Span[word] & ((1UL << (c & 63)) - 1));
                if (draws[c] < limits[rank])
                {
                    KeepBits.Set(keep, row + c);
                }
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
    /// AVX-512; AVX2 compares their top bits, below; a scalar loop with a branch per draw took a third of a merge's time).
    /// </summary>
    private void SettleByCoarseBuckets(int row, ReadOnlySpan<ulong> draws, ReadOnlySpan<int> bucket, ReadOnlySpan<int> first, Span<ulong> open, Span<ulong> keep)
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
            // AVX2 permutes 32-bit lanes only, so eight draws at a time are compared by their top 31 bits (draws and
            // limits are at most 2^53; 2^53 itself is clamped) with the limits' top bits: a draw whose bits are below the
            // low limit's is below it, one whose bits are above the high limit's is at or above it, and the few that
            // share them with either stay open for the exact comparison after. Gathering the 64-bit limits was slower.
            Span<int> lowTop = stackalloc int[16];
            Span<int> highTop = stackalloc int[16];
            TopBits(low, lowTop);
            TopBits(high, highTop);
            var (low0, low1) = (Vector256.Create<int>(lowTop[..8]), Vector256.Create<int>(lowTop[8..]));
            var (high0, high1) = (Vector256.Create<int>(highTop[..8]), Vector256.Create<int>(highTop[8..]));
            var upperHalf = Vector256.Create(8);
            for (; k <= n - 64; k += 64)
            {
                ulong kept = 0, undecided = 0;
                for (var lane = 0; lane < 64; lane += 8)
                {
                    // vpermd takes each index's low three bits; the upper half of the table is picked by the fourth.
                    var coarse = Vector256.Create(bucket.Slice(k + lane, 8)) >>> shift;
                    var upper = Vector256.GreaterThanOrEqual(coarse, upperHalf);
                    var lowBits = Vector256.ConditionalSelect(upper, Avx2.PermuteVar8x32(low1, coarse), Avx2.PermuteVar8x32(low0, coarse));
                    var highBits = Vector256.ConditionalSelect(upper, Avx2.PermuteVar8x32(high1, coarse), Avx2.PermuteVar8x32(high0, coarse));
                    var drawBits = Vector256.Narrow(Vector256.Create(draws.Slice(k + lane, 4)) >>> LimitShift, Vector256.Create(draws.Slice(k + lane + 4, 4)) >>> LimitShift).AsInt32();
                    var below = Vector256.LessThan(drawBits, lowBits);
                    kept |= (ulong)below.ExtractMostSignificantBits() << lane;
                    undecided |= (ulong)Vector256.AndNot(Vector256.LessThanOrEqual(drawBits, highBits), below).ExtractMostSignificantBits() << lane;
                }

                Or(keep, row + k, kept);
                open[k >> 6] = undecided;
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

    /// <summary>The top 31 of the 54 bits a draw limit can take, clamped to int (a limit of 2^53 would take 32).</summary>
    private static void TopBits(ReadOnlySpan<ulong> limits, Span<int> bits)
    {
        for (var i = 0; i < limits.Length; i++)
        {
            bits[i] = (int)Math.Min(limits[i] >> LimitShift, int.MaxValue);
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

    /// <summary>How many keys are below key; bit c of ties (n bits, the rest cleared) set where keys[c] equals it.</summary>
    private static int CountBelowAndMarkTies(ReadOnlySpan<uint> keys, uint key, Span<ulong> ties)
    {
        ties[..KeepBits.Words(keys.Length)].Clear();
        var count = 0;
        var k = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var keyV = Vector512.Create(key);
            var sum = Vector512<uint>.Zero;
            for (; k <= keys.Length - 64; k += 64)
            {
                ulong word = 0;
                for (var lane = 0; lane < 64; lane += 16)
                {
                    var v = Vector512.Create(keys.Slice(k + lane, 16));
                    // A true lane is all ones, i.e. -1.
                    sum -= Vector512.LessThan(v, keyV);
                    word |= Vector512.Equals(v, keyV).ExtractMostSignificantBits() << lane;
                }

                ties[k >> 6] = word;
            }

            count = (int)Vector512.Sum(sum);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            var keyV = Vector256.Create(key);
            var sum = Vector256<uint>.Zero;
            for (; k <= keys.Length - 64; k += 64)
            {
                ulong word = 0;
                for (var lane = 0; lane < 64; lane += 8)
                {
                    var v = Vector256.Create(keys.Slice(k + lane, 8));
                    // A true lane is all ones, i.e. -1.
                    sum -= Vector256.LessThan(v, keyV);
                    word |= (ulong)Vector256.Equals(v, keyV).ExtractMostSignificantBits() << lane;
                }

                ties[k >> 6] = word;
            }

            count = (int)Vector256.Sum(sum);
        }

        for (; k < keys.Length; k++)
        {
            count += keys[k] < key ? 1 : 0;
            if (keys[k] == key)
            {
                KeepBits.Set(ties, k);
            }
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
