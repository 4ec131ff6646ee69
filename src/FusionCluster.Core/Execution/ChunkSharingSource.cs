using System.Buffers;
using FusionCluster.Core.Methods;

namespace FusionCluster.Core.Execution;

/// <summary>
/// A tensor that two readers read chunk by chunk, one after the other, with the same chunks: a scoring job's candidates
/// and its scorer, which compares them with the very inputs they were merged from. The last chunk read is kept decoded,
/// so the second reader's identical read copies it instead of decoding the stored bytes again (that second decode was
/// a sixth of a 1 GB scoring job's time). Any other read goes to the tensor as usual. Readers that take the chunk where
/// it is (<see cref="Lend"/>) do not copy it either.
/// </summary>
public sealed class ChunkSharingSource(TensorSource inner) : TensorSource, IChunkLender, IDisposable
{
    private readonly Lock gate = new();
    private float[] kept = [];
    private long keptStart = -1;
    private int keptLength;

    public override IReadOnlyList<long> Shape => inner.Shape;

    public override void Read(long start, Span<float> destination)
    {
        lock (gate)
        {
            Keep(start, destination.Length).Span.CopyTo(destination);
        }
    }

    public ReadOnlyMemory<float> Lend(long start, int length)
    {
        lock (gate)
        {
            return Keep(start, length);
        }
    }

    public void Dispose()
    {
        lock (gate)
        {
            Release();
        }
    }

    /// <summary>The chunk at <paramref name="start"/>, decoded into the kept buffer unless it is there already; under the lock.</summary>
    private ReadOnlyMemory<float> Keep(long start, int length)
    {
        if (start != keptStart || length != keptLength)
        {
            if (kept.Length < length)
            {
                Release();
                kept = ArrayPool<float>.Shared.Rent(length);
            }

            // Forgotten first: a read that fails leaves no chunk that looks kept.
            (keptStart, keptLength) = (-1, 0);
            inner.Read(start, kept.AsSpan(0, length));
            (keptStart, keptLength) = (start, length);
        }

        return kept.AsMemory(0, length);
    }

    private void Release()
    {
        if (kept.Length > 0)
        {
            ArrayPool<float>.Shared.Return(kept);
        }

        (kept, keptStart, keptLength) = ([], -1, 0);
    }
}
