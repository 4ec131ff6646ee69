using System.Numerics.Tensors;
using FusionCluster.Core.Methods;

namespace FusionCluster.Core.Execution;

/// <summary>
/// Passes an input tensor through to a merge method and counts the NaN and infinite values in it, each
/// element once however often the method reads it (several passes, overlapping chunks), so the merge report
/// can name the model, the tensor and how many. Reads without such values cost one vectorised sum.
/// </summary>
public sealed class NonFiniteCountingSource(TensorSource inner) : TensorSource
{
    private const int ScanChunk = 1 << 16;

    // Element ranges [Start, End) already counted, sorted and disjoint; only ranges that held a
    // non-finite value are recorded, since re-reading any other range adds nothing.
    private readonly List<(long Start, long End)> counted = [];
    private long nonFinite;

    public override IReadOnlyList<long> Shape => inner.Shape;

    /// <summary>Non-finite values in the elements read so far.</summary>
    public long NonFinite => Interlocked.Read(ref nonFinite);

    public override void Read(long start, Span<float> destination)
    {
        inner.Read(start, destination);

        // NaN and infinity make the sum non-finite; finite values whose sum overflows only cost the slow path.
        if (float.IsFinite(TensorPrimitives.Sum(destination)))
        {
            return;
        }

        lock (counted)
        {
            var end = start + destination.Length;
            var from = start;
            long found = 0;
            foreach (var (coveredStart, coveredEnd) in counted)
            {
                if (coveredEnd <= from || coveredStart >= end)
                {
                    continue;
                }

                found += Count(destination, start, from, Math.Min(coveredStart, end));
                from = Math.Max(from, coveredEnd);
            }

            found += Count(destination, start, from, end);
            Add(start, end);
            Interlocked.Add(ref nonFinite, found);
        }
    }

    /// <summary>Reads the elements not read yet, so <see cref="NonFinite"/> covers the whole tensor.</summary>
    public void CountRest()
    {
        var buffer = new float[(int)Math.Min(ScanChunk, Math.Max(1, ElementCount))];
        for (long start = 0; start < ElementCount; start += buffer.Length)
        {
            Read(start, buffer.AsSpan(0, (int)Math.Min(buffer.Length, ElementCount - start)));
        }
    }

    private static long Count(Span<float> values, long valuesStart, long from, long to)
    {
        long found = 0;
        for (var i = from; i < to; i++)
        {
            if (!float.IsFinite(values[(int)(i - valuesStart)]))
            {
                found++;
            }
        }

        return found;
    }

    private void Add(long start, long end)
    {
        counted.Add((start, end));
        counted.Sort();
        var merged = new List<(long Start, long End)>(counted.Count);
        foreach (var range in counted)
        {
            if (merged.Count > 0 && range.Start <= merged[^1].End)
            {
                merged[^1] = (merged[^1].Start, Math.Max(merged[^1].End, range.End));
            }
            else
            {
                merged.Add(range);
            }
        }

        counted.Clear();
        counted.AddRange(merged);
    }
}
