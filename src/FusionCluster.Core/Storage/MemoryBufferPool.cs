namespace FusionCluster.Core.Storage;

/// <summary>
/// Byte buffers of in-memory output tensors (<see cref="MemoryTensorWriter"/>), kept for the next tensor of the same size.
/// A scoring unit holds every candidate's tensor of a position in memory, position after position; a fresh array costs
/// the kernel a page fault for every 4 KiB page the first time it is written, where a buffer used before is already
/// mapped (a model's layers repeat the same sizes). Holds at most <c>maxIdleBytes</c> between uses, the most recently
/// returned: a size not seen again for a while (the embeddings) makes way for the next layer's. Thread-safe.
/// </summary>
public sealed class MemoryBufferPool(long maxIdleBytes)
{
    /// <summary>Idle buffers, the least recently returned first.</summary>
    private readonly LinkedList<byte[]> idle = [];
    private long idleBytes;

    /// <summary>A buffer of exactly <paramref name="length"/> bytes, with whatever its last user left in it.</summary>
    public byte[] Rent(int length)
    {
        lock (this.idle)
        {
            for (var node = this.idle.Last; node is not null; node = node.Previous)
            {
                if (node.Value.Length == length)
                {
                    this.idle.Remove(node);
                    this.idleBytes -= length;
                    return node.Value;
                }
            }
        }

        // Its user writes every byte before anyone reads one, so clearing it first would be wasted.
        return GC.AllocateUninitializedArray<byte>(length);
    }

    /// <summary>Keeps <paramref name="buffer"/> for a later <see cref="Rent"/>, letting the least recently returned go to make room.</summary>
    public void Return(byte[] buffer)
    {
        if (buffer.Length > maxIdleBytes)
        {
            return;
        }

        lock (this.idle)
        {
            while (this.idleBytes + buffer.Length > maxIdleBytes && this.idle.First is { } oldest)
            {
                this.idle.RemoveFirst();
                this.idleBytes -= oldest.Value.Length;
            }

            this.idle.AddLast(buffer);
            this.idleBytes += buffer.Length;
        }
    }

    /// <summary>Lets every idle buffer go.</summary>
    public void Clear()
    {
        lock (this.idle)
        {
            this.idle.Clear();
            this.idleBytes = 0;
        }
    }
}
