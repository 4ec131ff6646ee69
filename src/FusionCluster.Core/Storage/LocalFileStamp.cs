using System.Buffers.Binary;

namespace FusionCluster.Core.Storage;

/// <summary>
/// What tells a local file's content apart without reading it, as git's index does: its device and inode, size, and
/// change and modification times. Any write, truncation, rename over the path or chmod moves the change time, which no
/// tool can set back (<c>touch</c>, <c>cp -p</c> and <c>rsync -t</c> set only the modification time).
/// </summary>
public readonly record struct LocalFileStamp(ulong Device, ulong Inode, long Bytes, long ChangedNanoseconds, long ModifiedNanoseconds)
{
    private const uint ModifiedBit = 0x40;
    private const uint ChangedBit = 0x80;
    private const uint InodeBit = 0x100;
    private const uint SizeBit = 0x200;
    private const uint Wanted = ModifiedBit | ChangedBit | InodeBit | SizeBit;

    /// <summary>The stamp of the file at <paramref name="path"/> (links followed), or null off Linux or when it cannot be read.</summary>
    public static LocalFileStamp? Of(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        var buffer = new byte[256];
        if (Statx.Call(Statx.CurrentDirectory, path, 0, Wanted, buffer) != 0)
        {
            return null;
        }

        var span = buffer.AsSpan();
        if ((BinaryPrimitives.ReadUInt32LittleEndian(span) & Wanted) != Wanted)
        {
            return null;
        }

        var device = ((ulong)BinaryPrimitives.ReadUInt32LittleEndian(span[136..]) << 32) | BinaryPrimitives.ReadUInt32LittleEndian(span[140..]);
        return new LocalFileStamp(
            device,
            BinaryPrimitives.ReadUInt64LittleEndian(span[32..]),
            (long)BinaryPrimitives.ReadUInt64LittleEndian(span[40..]),
            Nanoseconds(span[96..]),
            Nanoseconds(span[112..]));
    }

    /// <summary>A statx_timestamp: seconds (int64) then nanoseconds (uint32).</summary>
    private static long Nanoseconds(ReadOnlySpan<byte> timestamp) =>
        (BinaryPrimitives.ReadInt64LittleEndian(timestamp) * 1_000_000_000) + BinaryPrimitives.ReadUInt32LittleEndian(timestamp[8..]);
}
