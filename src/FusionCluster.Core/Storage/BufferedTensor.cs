using System.Buffers;
using FusionCluster.Core.Formats;
using FusionCluster.Core.Tensors;

namespace FusionCluster.Core.Storage;

/// <summary>
/// A tensor whose stored bytes were fetched into a pooled buffer, for stores that cannot be mapped
/// (blobs). Memory held is the tensor's byte length, released on dispose.
/// </summary>
public sealed class BufferedTensor : StoredTensor
{
    private readonly string location;
    private byte[]? bytes;

    /// <param name="entry">The tensor's header entry.</param>
    /// <param name="pooledBytes">At least <c>entry.ByteLength</c> bytes rented from <see cref="ArrayPool{T}.Shared"/>; ownership passes to this object.</param>
    /// <param name="location">The file it came from, for messages.</param>
    public BufferedTensor(TensorEntry entry, byte[] pooledBytes, string location)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(pooledBytes);
        if (pooledBytes.LongLength < entry.ByteLength)
        {
            throw new ArgumentException($"{location}: tensor '{entry.Name}' needs {entry.ByteLength} bytes, the buffer has {pooledBytes.LongLength}", nameof(pooledBytes));
        }

        Entry = entry;
        bytes = pooledBytes;
        this.location = location;
    }

    public override TensorEntry Entry { get; }

    public override void Read(long start, Span<float> destination)
    {
        var size = DType.ElementSize();
        CheckRange(start, destination.Length, Entry.ElementCount, "element");
        DTypeCodec.Decode(DType, Bytes().AsSpan((int)(start * size), destination.Length * size), destination);
    }

    public override void ReadRaw(long byteStart, Span<byte> destination)
    {
        CheckRange(byteStart, destination.Length, Entry.ByteLength, "byte");
        Bytes().AsSpan((int)byteStart, destination.Length).CopyTo(destination);
    }

    protected override void Dispose(bool disposing)
    {
        var owned = Interlocked.Exchange(ref bytes, null);
        if (owned is not null)
        {
            ArrayPool<byte>.Shared.Return(owned);
        }
    }

    private byte[] Bytes() => bytes ?? throw new ObjectDisposedException(nameof(BufferedTensor));

    private void CheckRange(long start, int length, long total, string unit)
    {
        if (start < 0 || start > total - length)
        {
            throw new ArgumentOutOfRangeException(nameof(start), $"{location}: tensor '{Entry.Name}': {unit}s [{start}, {start + length}) are outside its {total} {unit}s");
        }
    }
}
