using System.Globalization;

namespace FusionCluster.Core.Execution;

/// <summary>Peak resident memory of processes on Linux, read from /proc: what the benchmarks report per process.</summary>
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

    /// <summary>Resets this process's peak (see <see cref="ResetPeak(int)"/>), so that a measurement reports its own.</summary>
    public static bool ResetPeak() => ResetPeak(Environment.ProcessId);

    /// <summary>
    /// The bytes of a /proc status line such as <c>VmHWM:\t  734664 kB</c>. The kernel pads the number to eight
    /// characters after a tab, so from 10,000,000 kB (9.5 GiB) on there is no space before it: split on any whitespace.
    /// </summary>
    public static long StatusLineBytes(string line)
    {
        var fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return fields is [_, var number, "kB"] && long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var kib) ? kib * 1024 : 0;
    }

    private static long PeakResidentBytes(string process)
    {
        try
        {
            var line = File.ReadLines($"/proc/{process}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? 0 : StatusLineBytes(line);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }
}
