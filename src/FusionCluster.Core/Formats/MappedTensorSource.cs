using System.IO.MemoryMappedFiles;
using FusionCluster.Core.Storage;
using FusionCluster.Core.Tensors;

namespace FusionCluster.Core.Formats;

/// <summary>
/// One stored tensor read through a memory-mapped view of exactly its bytes. Each source maps only its
/// own tensor, so the address space and resident pages a merge touches stay proportional to the tensors
/// open at once, not to the checkpoint. Dispose to unmap.
/// </summary>
public sealed unsafe class MappedTensorSource : StoredTensor
{
    // Bounds the byte span handed to the codec: spans are int-indexed and F64 tensors can exceed 2 GiB.
    private const int MaxChunkElements = 1 << 26;

    private readonly MemoryMappedViewAccessor? view;
    private byte* pointer;
    private int disposed;

    internal MappedTensorSource(MemoryMappedFile? file, TensorEntry entry, string filePath)
    {
        Entry = entry;
        FilePath = filePath;
        if (entry.ByteLength == 0)
        {
            // A zero-size view is an error on every platform; an empty tensor needs no mapping at all.
            return;
        }

        ArgumentNullException.ThrowIfNull(file);
        view = file.CreateViewAccessor(entry.DataOffset, entry.ByteLength, MemoryMappedFileAccess.Read);
        var handle = view.SafeMemoryMappedViewHandle;
        var success = false;
        try
        {
            handle.AcquirePointer(ref pointer);
            success = true;
            pointer += view.PointerOffset;
        }
        finally
        {
            if (!success)
            {
                view.Dispose();
            }
        }
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
        var p = Pointer();
        for (var done = 0; done < destination.Length; done += MaxChunkElements)
        {
            var count = Math.Min(MaxChunkElements, destination.Length - done);
            var bytes = new ReadOnlySpan<byte>(p + ((start + done) * size), count * size);
            DTypeCodec.Decode(Entry.DType, bytes, destination.Slice(done, count));
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

        new ReadOnlySpan<byte>(Pointer() + byteStart, destination.Length).CopyTo(destination);
    }

    protected override void Dispose(bool disposing)
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0 || view is null)
        {
            return;
        }

        pointer = null;
        view.SafeMemoryMappedViewHandle.ReleasePointer();
        view.Dispose();
    }

    private byte* Pointer()
    {
        ObjectDisposedException.ThrowIf(disposed != 0, this);
        return pointer;
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
