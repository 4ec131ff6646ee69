using System.Globalization;
using FusionCluster.Core.Execution;

namespace FusionCluster.Cli.Console;

/// <summary>
/// The fusion-silo processes on this machine that joined the cluster whose membership is in a given Redis (their
/// command line says <c>--redis ADDRESS</c>, as deploy/local/cluster starts them), and their peak memory over a
/// stretch of time: a benchmark resets each VmHWM before a row and reads it after. Silos on other machines are not seen.
/// </summary>
public sealed class LocalSiloMemory
{
    private readonly IReadOnlyList<(int Pid, string Name)> silos;

    private LocalSiloMemory(IReadOnlyList<(int Pid, string Name)> silos) => this.silos = silos;

    /// <summary>How many silo processes of the cluster run here.</summary>
    public int Count => silos.Count;

    public static LocalSiloMemory Find(string redis)
    {
        List<(int Pid, string Name)> found = [];
        if (!Directory.Exists("/proc"))
        {
            return new LocalSiloMemory(found);
        }

        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(folder), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            string[] args;
            try
            {
                args = File.ReadAllText(Path.Combine(folder, "cmdline")).Split('\0');
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            if (args.Any(a => Path.GetFileName(a) is "fusion-silo" or "fusion-silo.dll") && ValueOf(args, "--redis") == redis)
            {
                found.Add((pid, ValueOf(args, "--name") ?? $"pid {pid}"));
            }
        }

        return new LocalSiloMemory(found.OrderBy(s => s.Name, StringComparer.Ordinal).ToList());
    }

    /// <summary>Starts a new stretch: every silo's peak becomes its current RSS.</summary>
    public void Reset()
    {
        foreach (var (pid, _) in silos)
        {
            ProcessMemory.ResetPeak(pid);
        }
    }

    /// <summary>Each silo's peak RSS since <see cref="Reset"/>, as "name size" separated by commas.</summary>
    public string Peaks() =>
        silos.Count == 0 ? "no silo on this machine" : string.Join(", ", silos.Select(s => $"{s.Name} {Units.Bytes(ProcessMemory.PeakResidentBytes(s.Pid))}"));

    private static string? ValueOf(string[] args, string option)
    {
        var at = Array.IndexOf(args, option);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }
}
