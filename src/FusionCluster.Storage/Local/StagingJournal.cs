using System.Diagnostics;
using System.Globalization;
using FusionCluster.Core.Storage;

namespace FusionCluster.Storage.Local;

/// <summary>
/// The staging folders a process with an embedded silo made on local outputs, one journal file per process, so
/// that the next such process removes what a killed one left (its jobs died with it: their state was in memory).
/// A job removes its own staging when it publishes, fails or is cancelled, and the next run on the same output
/// removes leftovers there; the journal covers outputs nobody writes to again. Only folders directly under an
/// output's <see cref="LocalMergeOutput.StagingFolder"/> are ever removed, never one a live process listed.
/// Not for cluster silos with persistent job state: their jobs resume after a restart and need their staging.
/// </summary>
public sealed class StagingJournal
{
    private const string Extension = ".journal";

    private readonly string folder;
    private readonly string file;
    private readonly Lock gate = new();

    public StagingJournal(string folder)
    {
        this.folder = Path.GetFullPath(folder);
        file = Path.Combine(this.folder, JournalName(Environment.ProcessId, StartTicks(Process.GetCurrentProcess())));
    }

    /// <summary>$XDG_STATE_HOME/fusion/staging, else ~/.local/state/fusion/staging.</summary>
    public static string DefaultFolder =>
        Path.Combine(
            Environment.GetEnvironmentVariable("XDG_STATE_HOME") is { Length: > 0 } state
                ? state
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "state"),
            "fusion",
            "staging");

    /// <summary>Notes that this process made <paramref name="stagingFolder"/>.</summary>
    public void Record(string stagingFolder)
    {
        lock (gate)
        {
            Directory.CreateDirectory(folder);
            File.AppendAllText(file, stagingFolder + "\n");
        }
    }

    /// <summary>
    /// Removes the staging folders that processes no longer running recorded (and an output folder such a run made
    /// and left empty), then their journals. Returns the folders removed.
    /// </summary>
    public IReadOnlyList<string> RemoveLeftovers()
    {
        if (!Directory.Exists(folder))
        {
            return [];
        }

        var journals = Directory.EnumerateFiles(folder, "*" + Extension).ToList();
        var dead = journals.Where(j => !IsRunning(Path.GetFileNameWithoutExtension(j))).ToList();
        var live = journals.Except(dead).SelectMany(ReadPaths).ToHashSet(StringComparer.Ordinal);
        var removed = new List<string>();
        foreach (var journal in dead)
        {
            foreach (var staging in ReadPaths(journal).Where(path => !live.Contains(path)))
            {
                if (RemoveStaging(staging))
                {
                    removed.Add(staging);
                }
            }

            File.Delete(journal);
        }

        return removed;
    }

    private static bool RemoveStaging(string staging)
    {
        var root = Path.GetDirectoryName(staging);
        if (root is null || Path.GetFileName(root) != LocalMergeOutput.StagingFolder || !Directory.Exists(staging) || LocalPath.IsLink(staging) || LocalPath.IsLink(root))
        {
            return false;
        }

        Directory.Delete(staging, recursive: true);
        var createdMarker = staging + LocalMergeOutput.CreatedMarkerSuffix;
        var created = File.Exists(createdMarker);
        if (created)
        {
            File.Delete(createdMarker);
        }

        if (!Directory.EnumerateFileSystemEntries(root).Any())
        {
            Directory.Delete(root);
            var output = Path.GetDirectoryName(root)!;
            if (created && !Directory.EnumerateFileSystemEntries(output).Any())
            {
                Directory.Delete(output);
            }
        }

        return true;
    }

    private static IEnumerable<string> ReadPaths(string journal)
    {
        try
        {
            return File.ReadAllLines(journal).Where(line => line.Length > 0 && Path.IsPathFullyQualified(line)).ToList();
        }
        catch (IOException)
        {
            return [];
        }
    }

    private static string JournalName(int processId, long startTicks) =>
        string.Create(CultureInfo.InvariantCulture, $"{processId}-{startTicks}{Extension}");

    /// <summary>True when the process named by a journal (its id and start time, so a reused id does not count) runs.</summary>
    private static bool IsRunning(string name)
    {
        var parts = name.Split('-');
        if (parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var processId)
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var startTicks))
        {
            return false;
        }

        try
        {
            using var process = Process.GetProcessById(processId);
            return StartTicks(process) == startTicks;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException)
        {
            return false;
        }
    }

    /// <summary>
    /// When the process started, as a number that is the same every time it is read: on Linux the kernel's start time
    /// in clock ticks since boot (/proc/PID/stat, field 22). Process.StartTime is derived from the boot time, which
    /// .NET recomputes from the current time, so it moves by milliseconds between readings.
    /// </summary>
    private static long StartTicks(Process process)
    {
        if (OperatingSystem.IsLinux())
        {
            var stat = File.ReadAllText($"/proc/{process.Id.ToString(CultureInfo.InvariantCulture)}/stat");
            // The command name (field 2) is in parentheses and may hold spaces: count the fields after its ')'.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[22 - 3], NumberStyles.None, CultureInfo.InvariantCulture);
        }

        return process.StartTime.ToUniversalTime().Ticks / TimeSpan.TicksPerSecond;
    }
}
