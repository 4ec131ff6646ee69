using System.Diagnostics;
using System.Runtime.InteropServices;

namespace FusionCluster.Evaluation.Evaluators;

/// <summary>
/// Starts a command as the leader of a process group of its own (through setsid(1)), so that everything it
/// starts, including children it detaches (whose parent becomes init, so they are no longer its descendants),
/// can be killed together with one signal to the group.
/// </summary>
internal static partial class ProcessGroup
{
    private const int SigKill = 9;

    private static readonly string? Setsid = new[] { "/usr/bin/setsid", "/bin/setsid" }.FirstOrDefault(File.Exists);

    /// <summary>True where commands get their own group (Linux with util-linux' setsid); elsewhere only the process tree is killed.</summary>
    public static bool IsAvailable => Setsid is not null && OperatingSystem.IsLinux();

    /// <summary>
    /// Makes <paramref name="start"/> run its program through setsid. The child of .NET's fork is no group
    /// leader, so setsid(1) calls setsid(2) and execs in place: the process's id is its group's id.
    /// </summary>
    public static void Isolate(ProcessStartInfo start)
    {
        if (!IsAvailable)
        {
            return;
        }

        start.ArgumentList.Insert(0, start.FileName);
        start.FileName = Setsid!;
    }

    /// <summary>SIGKILL to every process of the group led by <paramref name="process"/> (or to its tree without groups).</summary>
    public static void Kill(Process process)
    {
        if (IsAvailable)
        {
            // ESRCH (nobody left in the group) is the expected outcome once the command ended.
            _ = KillProcess(-process.Id, SigKill);
        }

        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It had exited.
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int KillProcess(int pid, int signal);
}
