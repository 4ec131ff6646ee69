using System.Buffers;
using FusionCluster.Core.Tensors;

namespace FusionCluster.Storage.Azure;

/// <summary>
/// One output tensor's stored bytes in pooled buffers, one per block to be staged (each at most the
/// block size), so memory is the tensor's size and tensors over 2 GiB are fine. Writes to disjoint
/// ranges may come from several threads.
/// </summary>
internal sealed class StagedTensorBuffer : IDisposable
{
    private readonly int blockBytes;
    private byte[][]? parts;

    public StagedTensorBuffer(long byteLength, int blockBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(byteLength);
        Length = byteLength;
        this.blockBytes = blockBytes;
        var count = BlockIds.PartCount(byteLength, blockBytes);
        parts = new byte[count][];
        try
        {
            for (var i = 0; i < count; i++)
            {
                parts[i] = ArrayPool<byte>.Shared.Rent(PartLength(i));
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public long Length { get; }

    public int PartCount => Parts().Length;

    public int PartLength(int part) => (int)Math.Min(blockBytes, Length - ((long)part * blockBytes));

    /// <summary>A read-only stream over one part's bytes, to stage as one block (it shares the buffer; stage before disposing).</summary>
    public Stream OpenPart(int part) => new MemoryStream(Parts()[part], 0, PartLength(part), writable: false);

    /// <summary>Copies <paramref name="bytes"/> to [start, start + bytes.Length); the caller checked the range.</summary>
    public void Write(long start, ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            var (part, within) = Locate(start);
            var n = Math.Min(bytes.Length, PartLength(part) - within);
            bytes[..n].CopyTo(Parts()[part].AsSpan(within, n));
            bytes = bytes[n..];
            start += n;
        }
    }

    /// <summary>
    /// Encodes float32 values as elements [elementStart, ...) of <paramref name="dtype"/>. Block sizes are
    /// multiples of 8, so no element straddles two parts.
    /// </summary>
    public void Encode(DType dtype, long elementStart, ReadOnlySpan<float> values)
    {
        var size = dtype.ElementSize();
        var start = elementStart * size;
        while (!values.IsEmpty)
        {
            var (part, within) = Locate(start);
            var n = Math.Min(values.Length, (PartLength(part) - within) / size);
            DTypeCodec.Encode(dtype, values[..n], Parts()[part].AsSpan(within, n * size));
            values = values[n..];
            start += (long)n * size;
        }
    }

    public void Dispose()
    {
        var owned = Interlocked.Exchange(ref parts, null);
        foreach (var part in owned ?? [])
        {
            if (part is not null)
            {
                ArrayPool<byte>.Shared.Return(part);
            }
        }
    }

    private (int Part, int Within) Locate(long byteOffset) => ((int)(byteOffset / blockBytes), (int)(byteOffset % blockBytes));

    private byte[][] Parts() => parts ?? throw new ObjectDisposedException(nameof(StagedTensorBuffer));
}
