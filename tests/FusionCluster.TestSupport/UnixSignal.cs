using System.Runtime.InteropServices;

namespace FusionCluster.TestSupport;

/// <summary>Sends POSIX signals with libc's kill(2): .NET can kill a process but cannot ask it to stop.</summary>
public static partial class UnixSignal
{
    public const int Interrupt = 2;

    public const int Kill = 9;

    public const int Terminate = 15;

    /// <summary>Sends <paramref name="signal"/> to process <paramref name="processId"/>; false when the process no longer exists.</summary>
    public static bool Send(int processId, int signal)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("POSIX signals need Linux or macOS");
        }

        if (NativeKill(processId, signal) == 0)
        {
            return true;
        }

        const int NoSuchProcess = 3;
        var error = Marshal.GetLastPInvokeError();
        return error == NoSuchProcess
            ? false
            : throw new InvalidOperationException($"kill({processId}, {signal}) failed with errno {error}");
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int NativeKill(int processId, int signal);
}
