using System.Runtime.InteropServices;

namespace FusionCluster.Core.Storage;

/// <summary>
/// Linux's statx(2), for what .NET's file APIs do not say: a file's type (a character device such as /dev/zero looks
/// like a seekable file) and its change time. struct statx is 256 bytes with the same layout on every Linux architecture.
/// </summary>
internal static partial class Statx
{
    /// <summary>AT_FDCWD: a relative path is taken from the current directory.</summary>
    public const int CurrentDirectory = -100;

    /// <summary>AT_SYMLINK_NOFOLLOW: a link is described, not its target.</summary>
    public const int NoFollow = 0x100;

    /// <summary>AT_EMPTY_PATH: an empty path describes the descriptor itself.</summary>
    public const int EmptyPath = 0x1000;

    /// <summary>STATX_TYPE.</summary>
    public const uint TypeBit = 0x1;

    /// <summary>S_IFREG under S_IFMT.</summary>
    public const int RegularType = 0x8000;

    private const int TypeBits = 0xF000;

    /// <summary>The S_IFMT bits of stx_mode (offset 28), or null when statx fails.</summary>
    public static int? TypeOf(int directory, string path, int flags)
    {
        var buffer = new byte[256];
        return Call(directory, path, flags, TypeBit, buffer) == 0 ? BitConverter.ToUInt16(buffer, 28) & TypeBits : null;
    }

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Call(int directory, string path, int flags, uint mask, byte[] buffer);
}
