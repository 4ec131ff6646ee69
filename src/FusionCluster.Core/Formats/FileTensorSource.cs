using System.Buffers;
using System.Runtime.InteropServices;
using FusionCluster.Core.Storage;
using FusionCluster.Core.Tensors;
using Microsoft.Win32.SafeHandles;

namespace FusionCluster.Core.Formats;

/// <summary>
/// One stored tensor of an open safetensors file, read with positional reads (<c>pread</c>) through the file's handle
/// into a small buffer that is decoded from the cache. Reading a file that sits in the page cache this way is about three
/// times faster than decoding it from a memory mapping (measured on a 954 MiB bf16 file: 0.22 s against 0.62 s), where
/// every page must first be mapped into the process and its address translated. The source holds a reference on the
/// handle, so it stays readable after its file is disposed, until it is disposed itself.
/// </summary>
public sealed class FileTensorSource : StoredTensor
{
    /// <summary>Stored bytes read and decoded at a time: they stay in the core's cache between the read and the decoding.</summary>
    private const int PieceBytes = 1 << 17;

    private readonly SafeFileHandle? handle;
    private int disposed;

    internal FileTensorSource(SafeFileHandle handle, TensorEntry entry, string filePath)
    {
        Entry = entry;
        FilePath = filePath;
        if (entry.ByteLength == 0)
        {
            // An empty tensor has nothing to read.
            return;
        }

        var added = false;
        handle.DangerousAddRef(ref added);
        this.handle = handle;
    }

    public override TensorEntry Entry { get; }

    public string FilePath { get; }

    public override void Read(long start, Span<float> destination)
    {
        CheckRange(start, destination.Length, Entry.ElementCount, "element");
        if (destination.IsEmpty)
        {
            return;
        }

        var size = Entry.DType.ElementSize();
        if (Entry.DType == DType.F32 && BitConverter.IsLittleEndian)
        {
            // Stored as it is decoded: read straight into the destination.
            ReadRaw(start * size, MemoryMarshal.AsBytes(destination));
            return;
        }

        var pieceElements = PieceBytes / size;
        var piece = ArrayPool<byte>.Shared.Rent(Math.Min(destination.Length, pieceElements) * size);
        try
        {
            for (var done = 0; done < destination.Length; done += pieceElements)
            {
                var count = Math.Min(pieceElements, destination.Length - done);
                var bytes = piece.AsSpan(0, count * size);
                ReadRaw((start + done) * size, bytes);
                DTypeCodec.Decode(Entry.DType, bytes, destination.Slice(done, count));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(piece);
        }
    }

    /// <summary>Copies stored bytes [byteStart, byteStart + destination.Length) of this tensor.</summary>
    public override void ReadRaw(long byteStart, Span<byte> destination)
    {
        CheckRange(byteStart, destination.Length, Entry.ByteLength, "byte");
        if (destination.IsEmpty)
        {
            return;
        }

        ObjectDisposedException.ThrowIf(disposed != 0, this);
        var offset = Entry.DataOffset + byteStart;
        while (!destination.IsEmpty)
        {
            int read;
            try
            {
                read = RandomAccess.Read(handle!, destination, offset);
            }
            catch (IOException e)
            {
                throw new CheckpointException($"{FilePath}: tensor '{Entry.Name}': reading bytes from {offset} failed: {e.Message}", e);
            }

            if (read == 0)
            {
                throw new SafetensorsFormatException(FilePath, Entry.Name, $"file ended at byte {offset} while reading (was it truncated after opening?)");
            }

            destination = destination[read..];
            offset += read;
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0 || handle is null)
        {
            return;
        }

        handle.DangerousRelease();
    }

    private void CheckRange(long start, int length, long total, string unit)
    {
        if (start < 0 || start > total - length)
        {
            throw new ArgumentOutOfRangeException(
                nameof(start),
                $"{FilePath}: tensor '{Entry.Name}': {unit}s [{start}, {start + length}) are outside its {total} {unit}s");
        }
    }
}
