using System.Buffers;
using FusionCluster.Core.Methods;

namespace FusionCluster.Core.Execution;

/// <summary>
/// A tensor that two readers read chunk by chunk, one after the other, with the same chunks: a scoring job's candidates
/// and its scorer, which compares them with the very inputs they were merged from. The last chunk read is kept decoded,
/// so the second reader's identical read copies it instead of decoding the stored bytes again (that second decode was
/// a sixth of a 1 GB scoring job's time). Any other read goes to the tensor as usual.
/// </summary>
public sealed class ChunkSharingSource(TensorSource inner) : TensorSource, IDisposable
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
            if (start != keptStart || destination.Length != keptLength)
            {
                if (kept.Length < destination.Length)
                {
                    Release();
                    kept = ArrayPool<float>.Shared.Rent(destination.Length);
                }

                inner.Read(start, kept.AsSpan(0, destination.Length));
                (keptStart, keptLength) = (start, destination.Length);
            }

            kept.AsSpan(0, keptLength).CopyTo(destination);
        }
    }

    public void Dispose()
    {
        lock (gate)
        {
            Release();
        }
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
