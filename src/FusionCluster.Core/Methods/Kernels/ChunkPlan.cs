namespace FusionCluster.Core.Methods.Kernels;

/// <summary>
/// Splits a tensor of <see cref="Total"/> elements into fixed-size chunks. Every pass of a method uses the
/// same plan, so per-chunk statistics from one pass (e.g. tie counts) line up with the chunks of the next.
/// </summary>
public sealed class ChunkPlan
{
    public ChunkPlan(long total, long chunkSize)
    {
        Total = total;
        ChunkSize = (int)Math.Clamp(chunkSize, 1, Array.MaxLength);
        Count = total == 0 ? 0 : (int)((total + ChunkSize - 1) / ChunkSize);
    }

    public long Total { get; }

    public int ChunkSize { get; }

    public int Count { get; }

    /// <summary>Runs chunks concurrently; callers must make results independent of scheduling.</summary>
    public bool Parallel { get; init; } = true;

    /// <summary>Chunks of ctx.ChunkElements elements, not aligned to rows.</summary>
    public static ChunkPlan Flat(MergeTensorContext ctx) => new(ctx.ElementCount, Math.Max(1, ctx.ChunkElements));

    /// <summary>
    /// Chunks holding whole rows (last dimension). A row longer than ctx.ChunkElements becomes a chunk of
    /// its own, because per-row methods need the whole row at once.
    /// </summary>
    public static ChunkPlan Rows(MergeTensorContext ctx) => Rows(ctx.ElementCount, ctx.RowLength, ctx.ChunkElements);

    public static ChunkPlan Rows(long total, long rowLength, int chunkElements)
    {
        rowLength = Math.Max(1, rowLength);
        var rows = Math.Max(1, chunkElements / rowLength);
        return new ChunkPlan(total, rows * rowLength);
    }

    /// <summary>Whether <paramref name="other"/> cuts the same elements into the same chunks, so per-chunk results of one fit the other.</summary>
    public bool SameChunksAs(ChunkPlan other) => other.Total == Total && other.ChunkSize == ChunkSize;

    public int ChunkIndexOf(long start) => (int)(start / ChunkSize);

    public long Start(int chunk) => (long)chunk * ChunkSize;

    public int Length(int chunk) => (int)Math.Min(ChunkSize, Total - Start(chunk));

    public void ForEach(Action<int, long, int> body)
    {
        if (Parallel && Count > 1)
        {
            System.Threading.Tasks.Parallel.For(0, Count, i => body(i, Start(i), Length(i)));
        }
        else
        {
            for (var i = 0; i < Count; i++)
            {
                body(i, Start(i), Length(i));
            }
        }
    }

    /// <summary>
    /// Accumulates <paramref name="width"/> doubles per chunk and adds the partials in chunk order, so the
    /// result does not depend on how many threads ran or in which order chunks finished.
    /// </summary>
    public double[] Reduce(int width, Action<long, int, double[]> body)
    {
        var partials = new double[Count][];
        ForEach((i, start, length) =>
        {
            var acc = new double[width];
            body(start, length, acc);
            partials[i] = acc;
        });
        var total = new double[width];
        foreach (var p in partials)
        {
            for (var j = 0; j < width; j++)
            {
                total[j] += p[j];
            }
        }
        return total;
    }
}
