using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace FusionCluster.Storage.Local;

/// <summary>
/// Starts writing a staged range to the disk as soon as it is complete, without waiting for it, so the flush that
/// publishing makes finds less left to write: while a job computes (a scoring job writing its leader, units still
/// merging), the disk is otherwise idle until the end. Linux only; elsewhere, and where the call fails, the flush at
/// publishing writes everything as before.
/// </summary>
internal static partial class WriteBack
{
    /// <summary>SYNC_FILE_RANGE_WRITE: start write-out of dirty pages in the range, not waiting for it.</summary>
    private const uint StartWrite = 2;

    public static void Start(SafeFileHandle handle, long offset, long count)
    {
        if (!OperatingSystem.IsLinux() || count <= 0)
        {
            return;
        }

        // A failure (a file system without it) changes nothing that publishing relies on: its flush is the durable one.
        _ = SyncFileRange((int)handle.DangerousGetHandle(), offset, count, StartWrite);
    }

    [LibraryImport("libc", EntryPoint = "sync_file_range", SetLastError = true)]
    private static partial int SyncFileRange(int fd, long offset, long count, uint flags);
}
