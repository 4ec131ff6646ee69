using System.Globalization;

namespace FusionCluster.Cli.Console;

public static class ProcessMemory
{
    /// <summary>Peak resident set size of this process (VmHWM), in bytes; 0 where /proc is unavailable.</summary>
    public static long PeakResidentBytes() => PeakResidentBytes("self");

    /// <summary>Peak resident set size (VmHWM) of another process, in bytes; 0 once it is gone or where /proc is unavailable.</summary>
    public static long PeakResidentBytes(int pid) => PeakResidentBytes(pid.ToString(CultureInfo.InvariantCulture));

    /// <summary>
    /// Resets a process's VmHWM to its current RSS (writing 5 to clear_refs, Linux 4.0+), so the next reading is the
    /// peak since now; false where that is not permitted (another user's process, not Linux).
    /// </summary>
    public static bool ResetPeak(int pid)
    {
        try
        {
            File.WriteAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static long PeakResidentBytes(string process)
    {
        try
        {
            var line = File.ReadLines($"/proc/{process}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            var fields = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return fields is { Length: >= 2 } && long.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var kib) ? kib * 1024 : 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }
}
