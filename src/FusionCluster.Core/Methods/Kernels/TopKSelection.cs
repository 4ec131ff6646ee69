using System.Buffers;

namespace FusionCluster.Core.Methods.Kernels;

/// <summary>Fills the sort keys of elements [start, start + keys.Length).</summary>
public delegate void KeyFiller(long start, Span<uint> keys);

/// <summary>
/// The exact set of the k largest keys of a chunked sequence, found without sorting or holding the whole
/// tensor: two 16-bit radix histogram passes locate the k-th largest key, and (only when needed) one more
/// pass counts threshold ties per chunk. Ties at the threshold are broken by index, lowest index first,
/// which matches a stable descending sort.
/// </summary>
public sealed class TopKSelection
{
    private readonly ChunkPlan plan;
    private readonly long[]? tiesBefore;

    private TopKSelection(ChunkPlan plan, long k, uint threshold, long tiesToKeep, long[]? tiesBefore)
    {
        this.plan = plan;
        K = k;
        Threshold = threshold;
        TiesToKeep = tiesToKeep;
        this.tiesBefore = tiesBefore;
    }

    public long K { get; }

    /// <summary>The k-th largest key (meaningless when K is 0).</summary>
    public uint Threshold { get; }

    /// <summary>How many elements equal to the threshold belong to the set.</summary>
    public long TiesToKeep { get; }

    /// <summary>True when every element equal to the threshold is kept, so membership is just key >= Threshold.</summary>
    public bool KeepsEveryTie => K > 0 && this.tiesBefore is null;

    /// <param name="countTies">False when only <see cref="Threshold"/> is wanted: skips the tie-ordinal pass.</param>
    public static TopKSelection Select(ChunkPlan plan, long k, KeyFiller fill, bool countTies = true)
    {
        if (k <= 0)
        {
            return new TopKSelection(plan, 0, uint.MaxValue, 0, null);
        }
        if (k >= plan.Total)
        {
            return new TopKSelection(plan, plan.Total, 0, long.MaxValue, null);
        }

        var high = Histogram(plan, fill, highBin: null);
        var (highBin, aboveHigh) = FindBin(high, k);
        ReturnBins(high);
        var low = Histogram(plan, fill, highBin: (uint)highBin);
        var (lowBin, aboveLow) = FindBin(low, k - aboveHigh);
        var equal = low[lowBin];
        ReturnBins(low);

        var threshold = ((uint)highBin << 16) | (uint)lowBin;
        var greater = aboveHigh + aboveLow;
        var tiesToKeep = k - greater;
        long[]? tiesBefore = null;
        if (countTies && tiesToKeep < equal)
        {
            // Only when some ties are dropped does an element need its tie ordinal.
            var perChunk = new long[plan.Count];
            plan.ForEach((i, start, length) =>
            {
                using var keys = new RentedBuffer<uint>(length);
                fill(start, keys.Span);
                perChunk[i] = keys.Span.Count(threshold);
            });
            tiesBefore = new long[plan.Count];
            long running = 0;
            for (var i = 0; i < plan.Count; i++)
            {
                tiesBefore[i] = running;
                running += perChunk[i];
            }
        }
        return new TopKSelection(plan, k, threshold, tiesToKeep, tiesBefore);
    }

    /// <summary>A selection whose threshold and ties were found elsewhere (<see cref="BatchedTopKSelection"/>).</summary>
    internal static TopKSelection FromThreshold(ChunkPlan plan, long k, uint threshold, long tiesToKeep, long[]? tiesBefore) =>
        new(plan, k, threshold, tiesToKeep, tiesBefore);

    /// <summary>Whether this selection's per-chunk tie ordinals line up with <paramref name="other"/>'s chunks.</summary>
    public bool IsOver(ChunkPlan other) => this.plan.SameChunksAs(other);

    /// <summary>How many elements equal to the threshold lie in chunks before this one (0 when every tie is kept).</summary>
    public long TiesBefore(int chunk) => this.tiesBefore is null ? 0 : this.tiesBefore[chunk];

    /// <summary>Sets inSet[j] to 1 when element start + j is among the k largest, else 0.</summary>
    public void Mark(int chunk, ReadOnlySpan<uint> keys, Span<byte> inSet)
    {
        if (K == 0)
        {
            inSet.Clear();
            return;
        }
        if (K >= this.plan.Total)
        {
            inSet.Fill(1);
            return;
        }
        var tieOrdinal = this.tiesBefore is null ? 0 : this.tiesBefore[chunk];
        for (var j = 0; j < keys.Length; j++)
        {
            var key = keys[j];
            if (key > Threshold)
            {
                inSet[j] = 1;
            }
            else if (key == Threshold)
            {
                inSet[j] = this.tiesBefore is null || tieOrdinal < TiesToKeep ? (byte)1 : (byte)0;
                tieOrdinal++;
            }
            else
            {
                inSet[j] = 0;
            }
        }
    }

    /// <summary>Bins of a 16-bit histogram.</summary>
    internal const int Bins = 1 << 16;

    /// <summary>
    /// A zeroed histogram from the shared pool (give it back with <see cref="ReturnBins"/>): a selection needs several, and
    /// fresh 512 KiB arrays cost a page fault per 4 KiB page each time (a tenth of a TIES density sweep's time, measured).
    /// </summary>
    internal static long[] RentBins()
    {
        var bins = ArrayPool<long>.Shared.Rent(Bins);
        Array.Clear(bins, 0, Bins);
        return bins;
    }

    internal static void ReturnBins(long[] bins) => ArrayPool<long>.Shared.Return(bins);

    /// <summary>The histogram of the keys' high 16 bits, or of the low 16 bits of keys in <paramref name="highBin"/>; a rented array (<see cref="ReturnBins"/>).</summary>
    private static long[] Histogram(ChunkPlan plan, KeyFiller fill, uint? highBin)
    {
        var total = RentBins();
        var gate = new object();
        // Integer counts add associatively, so per-thread histograms merged in any order are exact.
        System.Threading.Tasks.Parallel.For(
            0,
            plan.Count,
            new ParallelOptions { MaxDegreeOfParallelism = plan.Parallel ? -1 : 1 },
            RentBins,
            (i, _, local) =>
            {
                using var keys = new RentedBuffer<uint>(plan.Length(i));
                fill(plan.Start(i), keys.Span);
                // Pass 1 counts the high 16 bits of every key; pass 2 the low 16 bits of keys in the chosen high bin.
                if (highBin is not { } chosen)
                {
                    foreach (var key in keys.Span)
                    {
                        local[key >> 16]++;
                    }
                }
                else
                {
                    foreach (var key in keys.Span)
                    {
                        if (key >> 16 == chosen)
                        {
                            local[key & 0xFFFF]++;
                        }
                    }
                }
                return local;
            },
            local =>
            {
                lock (gate)
                {
                    for (var b = 0; b < Bins; b++)
                    {
                        total[b] += local[b];
                    }
                }

                ReturnBins(local);
            });
        return total;
    }

    /// <summary>The bin holding the k-th largest value, and how many values lie in higher bins.</summary>
    internal static (int Bin, long Above) FindBin(long[] histogram, long k)
    {
        long above = 0;
        for (var b = Bins - 1; b >= 0; b--)
        {
            if (above + histogram[b] >= k)
            {
                return (b, above);
            }
            above += histogram[b];
        }
        throw new InvalidOperationException("k exceeds the number of keys");
    }
}
