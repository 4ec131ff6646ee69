using System.Numerics;
using System.Runtime.Intrinsics;

namespace FusionCluster.Core.Methods.Kernels;

/// <summary>
/// Several exact top-k magnitude selections over sources that share one read (TIES needs one per model, breadcrumbs
/// two, and every model's keys need the base), found in a single pass instead of two or three passes per
/// selection. A strided sample estimates each threshold and brackets it with a band of keys [lo, hi]; the
/// pass counts the keys above hi and those equal to lo and to hi, and keeps the (few) keys strictly inside the band,
/// chunk by chunk. The k-th largest key, how many tie with it and each chunk's tie ordinal then come from the band
/// alone. Task vectors of bf16 checkpoints hold a handful of magnitudes tied by the hundred thousand, which the sample
/// puts at the band's ends: counted there, they need no copies. When the sample misjudged the band, or ties inside it
/// make it too large to keep, that selection falls back to <see cref="TopKSelection.Select"/>; either way the result
/// is the same exact set.
/// </summary>
public static class BatchedTopKSelection
{
    /// <summary>Sample blocks spread evenly over the tensor, and elements per block.</summary>
    private const int SampleBlocks = 256;
    private const int SampleBlockLength = 64;
    private const int SampleSize = SampleBlocks * SampleBlockLength;

    /// <summary>Half the band, in sample ranks: about four standard errors of a median estimated from independent draws.</summary>
    private const int BandMargin = SampleSize / 64;

    /// <summary>A band keeping more than this share of a tensor (heavy ties) is abandoned for the radix path.</summary>
    private const int BandCapDivisor = 8;

    /// <summary>The most bytes one selection's band holds during <see cref="Select"/> over <paramref name="total"/> keys before it is abandoned.</summary>
    public static long MostBandBytes(long total) => total / BandCapDivisor * sizeof(uint);

    /// <summary>
    /// Fills elements [start, start + length) of the origin and of every source (values[source * length + j]
    /// for element start + j). The keys are the magnitudes |value - origin| (<see cref="SortKeys.Abs"/>); the
    /// scan computes them as it compares, so no pass over the block writes them.
    /// </summary>
    public delegate void DeltaFiller(long start, int length, Span<float> origin, Span<float> values);

    /// <summary>The k largest |value - origin| of one source.</summary>
    public readonly record struct Request(int Source, long K);

    /// <param name="sources">How many sources <paramref name="fill"/> produces keys for.</param>
    /// <param name="fallback">Magnitude keys of one source, for a selection the band could not settle.</param>
    public static TopKSelection[] Select(ChunkPlan plan, int sources, IReadOnlyList<Request> requests, DeltaFiller fill, Func<int, KeyFiller> fallback)
    {
        var results = new TopKSelection?[requests.Count];
        var open = new List<int>();
        for (var r = 0; r < requests.Count; r++)
        {
            var k = requests[r].K;
            if (k <= 0 || k >= plan.Total || plan.Total <= 4L * SampleSize)
            {
                // Trivial or small: the radix path costs no more than sampling would.
                results[r] = TopKSelection.Select(plan, k, fallback(requests[r].Source));
            }
            else
            {
                open.Add(r);
            }
        }

        if (open.Count > 0)
        {
            var bands = EstimateBands(plan, sources, requests, open, fill);
            Scan(plan, sources, requests, open, bands, fill);
            foreach (var r in open)
            {
                results[r] = Resolve(plan, requests[r].K, bands[r]!) ?? TopKSelection.Select(plan, requests[r].K, fallback(requests[r].Source));
            }
        }

        return results.Select(s => s!).ToArray();
    }

    private static Band?[] EstimateBands(ChunkPlan plan, int sources, IReadOnlyList<Request> requests, List<int> open, DeltaFiller fill)
    {
        var samples = new uint[sources][];
        for (var s = 0; s < sources; s++)
        {
            samples[s] = new uint[SampleSize];
        }

        using (var origin = new RentedBuffer<float>(SampleBlockLength))
        using (var block = new RentedBuffer<float>(sources * SampleBlockLength))
        {
            var stride = (plan.Total - SampleBlockLength) / (SampleBlocks - 1);
            for (var b = 0; b < SampleBlocks; b++)
            {
                fill(b * stride, SampleBlockLength, origin.Span, block.Span);
                for (var s = 0; s < sources; s++)
                {
                    var values = block.Span.Slice(s * SampleBlockLength, SampleBlockLength);
                    for (var j = 0; j < values.Length; j++)
                    {
                        samples[s][b * SampleBlockLength + j] = SortKeys.Abs(values[j] - origin.Span[j]);
                    }
                }
            }
        }

        foreach (var sample in samples)
        {
            Array.Sort(sample);
        }

        var bands = new Band?[requests.Count];
        foreach (var r in open)
        {
            var sorted = samples[requests[r].Source];
            // Rank of the k-th largest key in the sample, counted from the largest (0-based).
            var rank = (long)((double)(requests[r].K - 1) / plan.Total * SampleSize);
            var hiRank = rank - BandMargin;
            var loRank = rank + BandMargin;
            var hi = hiRank < 0 ? uint.MaxValue : sorted[SampleSize - 1 - hiRank];
            var lo = loRank >= SampleSize ? 0u : sorted[SampleSize - 1 - loRank];
            bands[r] = new Band(lo, hi, plan.Count, plan.Total / BandCapDivisor);
        }

        return bands;
    }

    private static void Scan(ChunkPlan plan, int sources, IReadOnlyList<Request> requests, List<int> open, Band?[] bands, DeltaFiller fill)
    {
        plan.ForEach((chunk, start, length) =>
        {
            using var origin = new RentedBuffer<float>(length);
            using var values = new RentedBuffer<float>(sources * length);
            using var inBand = new RentedBuffer<uint>(length);
            fill(start, length, origin.Span, values.Span);
            foreach (var r in open)
            {
                var band = bands[r]!;
                var source = values.Span.Slice(requests[r].Source * length, length);
                var (above, atHi, atLo, kept) = Partition(source, origin.Span, band.Lo, band.Hi, inBand.Span);
                band.Record(chunk, above, atHi, atLo, inBand.Span[..kept]);
            }
        });
    }

    /// <summary>
    /// Counts the keys |x - origin| above hi, equal to hi and equal to lo (0 when lo is hi), and copies the keys strictly
    /// between lo and hi to inBand, in order.
    /// </summary>
    private static (long Above, long AtHi, long AtLo, int Kept) Partition(ReadOnlySpan<float> x, ReadOnlySpan<float> origin, uint lo, uint hi, Span<uint> inBand)
    {
        long above = 0, atHi = 0, atLo = 0;
        var kept = 0;
        var j = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var magnitude = Vector256.Create(0x7FFFFFFFu);
            var loV = Vector256.Create(lo);
            var hiV = Vector256.Create(hi);
            var (aboveLanes, hiLanes, loLanes) = (Vector256<uint>.Zero, Vector256<uint>.Zero, Vector256<uint>.Zero);
            var width = Vector256<uint>.Count;
            for (; j <= x.Length - width; j += width)
            {
                var key = (Vector256.Create(x.Slice(j, width)) - Vector256.Create(origin.Slice(j, width))).AsUInt32() & magnitude;
                // A true lane is all ones, i.e. -1.
                aboveLanes -= Vector256.GreaterThan(key, hiV);
                hiLanes -= Vector256.Equals(key, hiV);
                loLanes -= Vector256.Equals(key, loV);
                var lanes = (Vector256.GreaterThan(key, loV) & Vector256.LessThan(key, hiV)).ExtractMostSignificantBits();
                while (lanes != 0)
                {
                    inBand[kept++] = key.GetElement(BitOperations.TrailingZeroCount(lanes));
                    lanes &= lanes - 1;
                }
            }

            // A chunk holds fewer than 2^31 keys, so neither the lanes nor their sums can wrap.
            (above, atHi, atLo) = (Vector256.Sum(aboveLanes), Vector256.Sum(hiLanes), Vector256.Sum(loLanes));
        }

        for (; j < x.Length; j++)
        {
            var key = SortKeys.Abs(x[j] - origin[j]);
            above += key > hi ? 1 : 0;
            atHi += key == hi ? 1 : 0;
            atLo += key == lo ? 1 : 0;
            if (key > lo && key < hi)
            {
                inBand[kept++] = key;
            }
        }

        return (above, atHi, lo == hi ? 0 : atLo, kept);
    }

    /// <summary>The exact selection from a band that holds the k-th largest key, or null when it does not.</summary>
    private static TopKSelection? Resolve(ChunkPlan plan, long k, Band band)
    {
        var (above, atHi, atLo, inside) = (band.Above, band.AtHi.Sum(), band.AtLo.Sum(), band.Count);
        if (band.Overflowed || above >= k || above + atHi + inside + atLo < k)
        {
            return null;
        }

        // Descending, the band is hi's ties, the keys strictly inside it, then lo's ties.
        var need = k - above;
        if (need <= atHi)
        {
            return Settle(plan, k, band.Hi, need, atHi, () => band.AtHi);
        }

        if (need > atHi + inside)
        {
            return Settle(plan, k, band.Lo, need - atHi - inside, atLo, () => band.AtLo);
        }

        need -= atHi;
        var high = TopKSelection.RentBins();
        foreach (var keys in band.Chunks)
        {
            foreach (var key in keys!)
            {
                high[key >> 16]++;
            }
        }

        var (highBin, aboveHigh) = TopKSelection.FindBin(high, need);
        TopKSelection.ReturnBins(high);
        var low = TopKSelection.RentBins();
        foreach (var keys in band.Chunks)
        {
            foreach (var key in keys!)
            {
                if (key >> 16 == highBin)
                {
                    low[key & 0xFFFF]++;
                }
            }
        }

        var (lowBin, aboveLow) = TopKSelection.FindBin(low, need - aboveHigh);
        var equal = low[lowBin];
        TopKSelection.ReturnBins(low);
        var threshold = ((uint)highBin << 16) | (uint)lowBin;
        return Settle(plan, k, threshold, need - aboveHigh - aboveLow, equal, () => band.Chunks.Select(keys => (long)keys!.AsSpan().Count(threshold)).ToArray());
    }

    /// <summary>
    /// The selection of threshold and tiesToKeep of its ties (of <paramref name="ties"/>), asking how many each chunk
    /// holds only when some are dropped (inside the band that takes a pass over its keys).
    /// </summary>
    private static TopKSelection Settle(ChunkPlan plan, long k, uint threshold, long tiesToKeep, long ties, Func<long[]> tiesPerChunk)
    {
        if (tiesToKeep >= ties)
        {
            return TopKSelection.FromThreshold(plan, k, threshold, tiesToKeep, tiesBefore: null);
        }

        // Some ties are dropped: the lowest indices win, so each chunk needs the count of ties before it.
        var perChunk = tiesPerChunk();
        var tiesBefore = new long[plan.Count];
        long running = 0;
        for (var c = 0; c < plan.Count; c++)
        {
            tiesBefore[c] = running;
            running += perChunk[c];
        }

        return TopKSelection.FromThreshold(plan, k, threshold, tiesToKeep, tiesBefore);
    }

    /// <summary>One selection's band and what the scan found in it, chunk by chunk.</summary>
    private sealed class Band(uint lo, uint hi, int chunks, long cap)
    {
        private long above;
        private long count;

        public uint Lo { get; } = lo;

        public uint Hi { get; } = hi;

        public uint[]?[] Chunks { get; } = new uint[chunks][];

        /// <summary>Per chunk, how many keys equal hi.</summary>
        public long[] AtHi { get; } = new long[chunks];

        /// <summary>Per chunk, how many keys equal lo, when lo is not hi.</summary>
        public long[] AtLo { get; } = new long[chunks];

        public long Above => Interlocked.Read(ref this.above);

        public long Count => Interlocked.Read(ref this.count);

        public bool Overflowed { get; private set; }

        public void Record(int chunk, long above, long atHi, long atLo, ReadOnlySpan<uint> inBand)
        {
            Interlocked.Add(ref this.above, above);
            AtHi[chunk] = atHi;
            AtLo[chunk] = atLo;
            if (Interlocked.Add(ref this.count, inBand.Length) > cap)
            {
                Overflowed = true;
                return;
            }

            Chunks[chunk] = inBand.ToArray();
        }
    }
}
