using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace FusionCluster.Core.Storage;

/// <summary>
/// Opens local files that are served or copied: never through a symlink in the last component, never a
/// pipe, socket or directory. The checks are made on the open handle, so a file swapped for a link
/// between a check and the open is refused rather than followed.
/// </summary>
public static partial class LocalFile
{
    private const int ReadOnly = 0;
    private const int NonBlocking = 0x800;
    private const int CloseOnExec = 0x80000;
    private const int LoopError = 40;

    /// <summary>A read-only stream of the regular file at <paramref name="path"/>.</summary>
    /// <exception cref="StorageException">The path is a symlink, a directory, a pipe, socket or device, or cannot be opened; the message names it.</exception>
    public static FileStream OpenRegular(string path, string what)
    {
        if (!OperatingSystem.IsLinux())
        {
            return RefuseLinksPortably(path, what);
        }

        // O_NOFOLLOW fails with ELOOP on a link; O_NONBLOCK keeps a FIFO from blocking the open.
        var fd = Open(path, ReadOnly | NonBlocking | CloseOnExec | NoFollow());
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new StorageException(errno == LoopError
                ? $"{what} '{path}' is a symlink; only regular files are read"
                : $"{what} '{path}' cannot be opened ({Marshal.GetPInvokeErrorMessage(errno)})");
        }

        var handle = new SafeFileHandle(fd, ownsHandle: true);
        try
        {
            // A character device such as /dev/zero is seekable and has no end: only the file's type tells it apart.
            if (Statx.TypeOf(fd, "", Statx.EmptyPath) is { } type && type != Statx.RegularType)
            {
                throw new StorageException($"{what} '{path}' is not a regular file (a device, pipe, socket or folder)");
            }

            var stream = new FileStream(handle, FileAccess.Read, bufferSize: 1 << 16);
            if (!stream.CanSeek || Directory.Exists(path))
            {
                stream.Dispose();
                throw new StorageException($"{what} '{path}' is not a regular file");
            }

            return stream;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            handle.Dispose();
            throw new StorageException($"{what} '{path}' is not a regular file", e);
        }
        catch (StorageException)
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>
    /// True when <paramref name="path"/> itself (a symlink is not followed) is a regular file: what may be removed as a
    /// file an output listed, where a link, pipe, socket, device or folder of the same name is someone else's.
    /// </summary>
    public static bool IsRegularFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!OperatingSystem.IsLinux())
        {
            return File.Exists(path) && !LocalPath.IsLink(path);
        }

        return Statx.TypeOf(Statx.CurrentDirectory, path, Statx.NoFollow) == Statx.RegularType;
    }

    /// <summary>
    /// Opens, for reading and mapping, a file whose path <see cref="LocalRoots"/> has just resolved and checked
    /// (link-free). A link swapped in after that check is not followed: the last component is opened with
    /// O_NOFOLLOW, and the file actually opened (the kernel's /proc/self/fd entry) must still be at the checked
    /// path, which catches a folder on the way replaced by a link. Mapping then goes through this handle, never
    /// through the path again.
    /// </summary>
    /// <exception cref="StorageException">The path is now a symlink, leads elsewhere or is a folder; the message names it.</exception>
    /// <exception cref="IOException">The file cannot be opened (missing, no permission).</exception>
    public static SafeFileHandle OpenResolved(string resolvedPath, string what)
    {
        if (!OperatingSystem.IsLinux())
        {
            if (LocalPath.IsLink(resolvedPath) || LocalPath.Resolve(resolvedPath) != resolvedPath)
            {
                throw new StorageException($"{what} '{resolvedPath}' became a symlink after it was checked; it is not read");
            }

            return File.OpenHandle(resolvedPath, FileMode.Open, FileAccess.Read, FileShare.Read);
        }

        var fd = Open(resolvedPath, ReadOnly | NonBlocking | CloseOnExec | NoFollow());
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno == LoopError)
            {
                throw new StorageException($"{what} '{resolvedPath}' became a symlink after it was checked; it is not read");
            }

            // Missing or unreadable: an I/O error, as File.OpenHandle would throw, for callers to word.
            throw new IOException(Marshal.GetPInvokeErrorMessage(errno));
        }

        var handle = new SafeFileHandle(fd, ownsHandle: true);
        try
        {
            var opened = new FileInfo($"/proc/self/fd/{fd}").LinkTarget;
            if (opened is not null && opened != resolvedPath)
            {
                throw new StorageException($"{what} '{resolvedPath}' now leads to '{opened}' (a folder on its path was replaced after it was checked); it is not read");
            }

            if ((File.GetAttributes(handle) & FileAttributes.Directory) != 0)
            {
                throw new StorageException($"{what} '{resolvedPath}' is a folder, not a file");
            }

            return handle;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Reads all of a regular file (see <see cref="OpenRegular"/>) of at most <paramref name="maxBytes"/>, its size checked
    /// on the open handle before any byte is read: the one reader of the small files a user or a previous run supplies
    /// (configs, indexes, tokenizers, manifests), so none is read unbounded.
    /// </summary>
    /// <param name="tooLarge">The caller's error for a file of the given size, larger than <paramref name="maxBytes"/>.</param>
    /// <exception cref="StorageException">The path is a symlink, a directory, a pipe, socket or device, or cannot be opened.</exception>
    public static byte[] ReadAllBytes(string path, string what, long maxBytes, Func<long, Exception> tooLarge)
    {
        ArgumentNullException.ThrowIfNull(tooLarge);
        using var stream = OpenRegular(path, what);
        var length = stream.Length;
        if (length > maxBytes)
        {
            throw tooLarge(length);
        }

        var bytes = new byte[length];
        stream.ReadExactly(bytes);
        return bytes;
    }

    /// <summary>
    /// Writes <paramref name="bytes"/> as the whole of <paramref name="path"/>: into a partial file beside it, then renamed
    /// over it, so no reader sees half of it. A partial left behind, or a link someone planted under its name, is
    /// removed, never written through (<see cref="FileMode.CreateNew"/> does not follow a link); a link at
    /// <paramref name="path"/> itself is replaced by the rename, not followed.
    /// </summary>
    public static void WriteWhole(string path, ReadOnlySpan<byte> bytes)
    {
        var partial = Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.partial");
        File.Delete(partial);
        using (var stream = new FileStream(partial, FileMode.CreateNew, FileAccess.Write))
        {
            stream.Write(bytes);
        }

        File.Move(partial, path, overwrite: true);
    }

    /// <summary>Reads all of a regular file (see <see cref="OpenRegular"/>).</summary>
    public static async Task<byte[]> ReadAllBytesAsync(string path, string what, CancellationToken cancellationToken)
    {
        await using var stream = OpenRegular(path, what);
        var bytes = new byte[stream.Length];
        await stream.ReadExactlyAsync(bytes, cancellationToken);
        return bytes;
    }

    private static int NoFollow() => RuntimeInformation.ProcessArchitecture is Architecture.Arm64 or Architecture.Arm ? 0x8000 : 0x20000;

    private static FileStream RefuseLinksPortably(string path, string what)
    {
        if (LocalPath.IsLink(path) || !File.Exists(path))
        {
            throw new StorageException($"{what} '{path}' is not a regular file");
        }

        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);
}
