using FusionCluster.Core.Storage;
using Microsoft.Win32.SafeHandles;

namespace FusionCluster.Core.Formats;

/// <summary>
/// An open safetensors file: its validated header and one file handle, which every tensor opened from it reads
/// through (<see cref="FileTensorSource"/>). Thread-safe.
/// </summary>
public sealed class SafetensorsFile : IDisposable
{
    private readonly SafeFileHandle handle;

    private SafetensorsFile(string path, SafeFileHandle handle, SafetensorsHeader header)
    {
        FilePath = path;
        this.handle = handle;
        Header = header;
    }

    public string FilePath { get; }

    public SafetensorsHeader Header { get; }

    public IReadOnlyList<TensorEntry> Tensors => Header.Tensors;

    public IReadOnlyDictionary<string, string> Metadata => Header.Metadata;

    public static SafetensorsFile Open(string path)
    {
        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CheckpointException($"{path}: cannot open: {e.Message}", e);
        }

        return FromHandle(path, handle);
    }

    /// <summary>
    /// Opens a weight file inside <paramref name="roots"/>: the path is resolved and checked, then the checked
    /// file itself is opened (<see cref="LocalFile.OpenResolved"/>) and mapped from that handle, so a symlink
    /// swapped in after the check is never followed. Errors name <paramref name="path"/> as given.
    /// </summary>
    /// <exception cref="StorageException">The file leads outside the roots, or changed into a link after the check.</exception>
    public static SafetensorsFile Open(string path, LocalRoots roots)
    {
        ArgumentNullException.ThrowIfNull(roots);
        var resolved = roots.CheckFile(path, "weight file");
        SafeFileHandle handle;
        try
        {
            handle = LocalFile.OpenResolved(resolved, "weight file");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CheckpointException($"{path}: cannot open: {e.Message}", e);
        }

        return FromHandle(path, handle);
    }

    private static SafetensorsFile FromHandle(string path, SafeFileHandle handle)
    {
        try
        {
            return new SafetensorsFile(path, handle, SafetensorsHeader.Read(handle, path));
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    public bool Contains(string name) => Header.Contains(name);

    public TensorEntry GetEntry(string name) => Header.GetEntry(name);

    /// <summary>Opens one tensor for reading as float32. Dispose the result when done with it.</summary>
    public FileTensorSource OpenTensor(string name) => new(handle, Header.GetEntry(name), FilePath);

    /// <summary>Copies stored bytes of a tensor, for tensors copied through without decoding.</summary>
    public void ReadRaw(string name, long byteStart, Span<byte> destination)
    {
        var entry = Header.GetEntry(name);
        if (byteStart < 0 || byteStart > entry.ByteLength - destination.Length)
        {
            throw new ArgumentOutOfRangeException(
                nameof(byteStart),
                $"{FilePath}: tensor '{name}': bytes [{byteStart}, {byteStart + destination.Length}) are outside its {entry.ByteLength} bytes");
        }

        var offset = entry.DataOffset + byteStart;
        while (!destination.IsEmpty)
        {
            var read = RandomAccess.Read(handle, destination, offset);
            if (read == 0)
            {
                throw new SafetensorsFormatException(FilePath, name, $"file ended at byte {offset} while reading (was it truncated after opening?)");
            }

            destination = destination[read..];
            offset += read;
        }
    }

    /// <summary>
    /// Copies bytes [offset, offset + destination.Length) of the file, header included, through the handle
    /// opened with it: a file replaced at its path since is still read as opened.
    /// </summary>
    public void ReadFile(long offset, Span<byte> destination)
    {
        while (!destination.IsEmpty)
        {
            int read;
            try
            {
                read = RandomAccess.Read(handle, destination, offset);
            }
            catch (IOException e)
            {
                throw ReadFailed(offset, e);
            }

            CheckNotEnded(read, offset);
            destination = destination[read..];
            offset += read;
        }
    }

    /// <inheritdoc cref="ReadFile"/>
    public async ValueTask ReadFileAsync(long offset, Memory<byte> destination, CancellationToken cancellationToken)
    {
        while (!destination.IsEmpty)
        {
            int read;
            try
            {
                read = await RandomAccess.ReadAsync(handle, destination, offset, cancellationToken);
            }
            catch (IOException e)
            {
                throw ReadFailed(offset, e);
            }

            CheckNotEnded(read, offset);
            destination = destination[read..];
            offset += read;
        }
    }

    public void Dispose()
    {
        // Tensors already opened hold a reference on the handle, so they stay readable until they are disposed.
        handle.Dispose();
    }

    private CheckpointException ReadFailed(long offset, IOException e) =>
        new($"{FilePath}: reading bytes from {offset} failed: {e.Message}", e);

    private void CheckNotEnded(int read, long offset)
    {
        if (read == 0)
        {
            throw new SafetensorsFormatException(FilePath, null, $"file ended at byte {offset} while reading (was it truncated after opening?)");
        }
    }
}
