using Microsoft.Win32.SafeHandles;

namespace FusionCluster.Core.Formats;

/// <summary>
/// A safetensors file created at its final size with its header in place, whose tensors are then filled
/// in by positioned writes in any order, from any thread, for disjoint ranges.
/// </summary>
public sealed class SafetensorsWriter : IDisposable
{
    private readonly SafeFileHandle handle;

    private SafetensorsWriter(string path, SafetensorsLayout layout, SafeFileHandle handle)
    {
        FilePath = path;
        Layout = layout;
        this.handle = handle;
    }

    public string FilePath { get; }

    public SafetensorsLayout Layout { get; }

    /// <summary>The underlying handle, for writers that place bytes themselves.</summary>
    public SafeFileHandle Handle => handle;

    /// <summary>Creates (or truncates) <paramref name="path"/>, writes the header and sets the full length.</summary>
    public static SafetensorsWriter Create(string path, SafetensorsLayout layout)
    {
        var handle = CreateHandle(path, layout.HeaderBytes, layout.FileLength);
        return new SafetensorsWriter(path, layout, handle);
    }

    /// <summary>
    /// Creates a pre-sized file from header bytes computed earlier (e.g. by a planner on another
    /// machine) and closes it; workers then open it and write their tensors.
    /// </summary>
    /// <param name="reserveSpace">Whether to allocate the file's space now; otherwise it is sparse, taking space as it is written.</param>
    public static void CreatePresized(string path, ReadOnlySpan<byte> header, long fileLength, bool reserveSpace = true)
    {
        using var handle = CreateHandle(path, header, fileLength, reserveSpace);
    }

    /// <summary>A sink that encodes float32 to the tensor's dtype. It shares this writer's handle.</summary>
    public EncodingTensorSink OpenSink(string name)
    {
        var entry = Layout.GetEntry(name);
        return new EncodingTensorSink(handle, entry.DataOffset, entry.DType, entry.ElementCount);
    }

    /// <summary>Writes stored bytes of a tensor unchanged, for copy-through.</summary>
    public void WriteRaw(string name, long byteStart, ReadOnlySpan<byte> bytes)
    {
        var entry = Layout.GetEntry(name);
        if (byteStart < 0 || byteStart > entry.ByteLength - bytes.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(byteStart), $"{FilePath}: tensor '{name}': bytes [{byteStart}, {byteStart + bytes.Length}) are outside its {entry.ByteLength} bytes");
        }

        RandomAccess.Write(handle, bytes, entry.DataOffset + byteStart);
    }

    /// <summary>Forces written data to the storage device.</summary>
    public void Flush() => RandomAccess.FlushToDisk(handle);

    public void Dispose() => handle.Dispose();

    private static SafeFileHandle CreateHandle(string path, ReadOnlySpan<byte> header, long fileLength, bool reserveSpace = true)
    {
        if (fileLength < header.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(fileLength), $"file length {fileLength} is shorter than the {header.Length}-byte header");
        }

        // Preallocating makes a full disk fail here, before any merge work is spent on the file.
        var handle = File.OpenHandle(path, FileMode.Create, FileAccess.ReadWrite, FileShare.ReadWrite, FileOptions.None, preallocationSize: reserveSpace ? fileLength : 0);
        try
        {
            RandomAccess.SetLength(handle, fileLength);
            RandomAccess.Write(handle, header, 0);
            return handle;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }
}
