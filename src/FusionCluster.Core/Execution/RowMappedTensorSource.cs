using FusionCluster.Core.Methods;
using FusionCluster.Core.Planning;

namespace FusionCluster.Core.Execution;

/// <summary>
/// An embedding-like 2-D tensor seen through a <see cref="RowMap"/>: each output row is read on demand from the
/// source rows the map names, so memory stays at a row or two however large the vocabulary is.
/// </summary>
public sealed class RowMappedTensorSource : TensorSource
{
    private readonly IReadOnlyList<TensorSource> sources;
    private readonly RowMap map;
    private readonly long cols;
    private readonly long[] runStarts;
    private readonly Dictionary<long, RowMean> means;
    private readonly Lazy<float[]> paddingRow;

    /// <param name="sources">The tensors of <see cref="RowMap.Sources"/>, in that order; each at least <paramref name="cols"/> wide.</param>
    /// <param name="map">Where each output row comes from.</param>
    /// <param name="cols">Output columns (the first <paramref name="cols"/> of each source row).</param>
    public RowMappedTensorSource(IReadOnlyList<TensorSource> sources, RowMap map, long cols)
    {
        if (sources.Count != map.Sources.Count)
        {
            throw new ArgumentException($"the row map names {map.Sources.Count} source tensors but {sources.Count} were given", nameof(sources));
        }

        this.sources = sources;
        this.map = map;
        this.cols = cols;
        runStarts = map.Runs.Select(r => r.Start).ToArray();
        means = map.Means.ToDictionary(m => m.Row);
        Shape = [map.Rows, cols];
        paddingRow = new Lazy<float[]>(MeanOfRealRows, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public override IReadOnlyList<long> Shape { get; }

    public override void Read(long start, Span<float> destination)
    {
        var written = 0;
        while (written < destination.Length)
        {
            var index = start + written;
            var (row, col) = (index / cols, index % cols);
            var length = (int)Math.Min(cols - col, destination.Length - written);
            ReadRow(row, col, destination.Slice(written, length));
            written += length;
        }
    }

    private void ReadRow(long row, long col, Span<float> destination)
    {
        if (row >= map.RealRows)
        {
            paddingRow.Value.AsSpan((int)col, destination.Length).CopyTo(destination);
            return;
        }

        var runIndex = Array.BinarySearch(runStarts, row);
        if (runIndex < 0)
        {
            runIndex = ~runIndex - 1;
        }

        if (runIndex >= 0 && map.Runs[runIndex] is var run && row < run.Start + run.Count)
        {
            var source = sources[run.Source];
            source.Read(((run.SourceStart + row - run.Start) * source.RowLength) + col, destination);
        }
        else if (means.TryGetValue(row, out var mean))
        {
            ReadMean(mean, col, destination);
        }
        else
        {
            // A token no input has: mergekit leaves its row at zero (the planner warned).
            destination.Clear();
        }
    }

    private void ReadMean(RowMean mean, long col, Span<float> destination)
    {
        var sum = new double[destination.Length];
        var buffer = new float[destination.Length];
        foreach (var from in mean.From)
        {
            var source = sources[from.Source];
            source.Read((from.Row * source.RowLength) + col, buffer);
            for (var i = 0; i < buffer.Length; i++)
            {
                sum[i] += buffer[i];
            }
        }

        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = (float)(sum[i] / mean.From.Count);
        }
    }

    // The rows padding adds stand for no token; like mergekit (after Hewitt's vocabulary expansion note) they
    // start as the average real row. One pass over the real rows, in row order, so the result is deterministic.
    private float[] MeanOfRealRows()
    {
        var sum = new double[cols];
        var row = new float[cols];
        for (long r = 0; r < map.RealRows; r++)
        {
            ReadRow(r, 0, row);
            for (var i = 0; i < row.Length; i++)
            {
                sum[i] += row[i];
            }
        }

        return sum.Select(s => map.RealRows == 0 ? 0f : (float)(s / map.RealRows)).ToArray();
    }
}
