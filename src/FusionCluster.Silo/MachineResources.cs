using System.Globalization;

namespace FusionCluster.Silo;

/// <summary>What the host offers this process: logical processors and memory available now.</summary>
public sealed record MachineResources(int Cores, long AvailableMemoryBytes)
{
    /// <summary>
    /// Reads the host: Environment.ProcessorCount (honours CPU affinity and container CPU limits) and
    /// the smaller of the kernel's MemAvailable and the container's memory limit as seen by the GC.
    /// </summary>
    public static MachineResources Detect()
    {
        var limit = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        var available = ReadMemAvailable() is { } fromKernel ? Math.Min(fromKernel, limit) : limit;
        return new MachineResources(Environment.ProcessorCount, available);
    }

    private static long? ReadMemAvailable()
    {
        const string MemInfo = "/proc/meminfo";
        if (!File.Exists(MemInfo))
        {
            return null;
        }

        // A line reads "MemAvailable:   23456789 kB".
        var line = File.ReadLines(MemInfo).FirstOrDefault(l => l.StartsWith("MemAvailable:", StringComparison.Ordinal));
        var fields = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return fields is { Length: >= 2 } && long.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var kibibytes)
            ? kibibytes * 1024
            : null;
    }
}
