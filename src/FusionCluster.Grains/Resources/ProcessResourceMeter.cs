using System.Diagnostics;
using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Grains.Resources;

/// <summary>
/// Turns the process's cumulative CPU time into a share of the host's cores between two readings (what `top` shows
/// divided by the core count), and reads its working set.
/// </summary>
public sealed class ProcessResourceMeter
{
    private readonly TimeProvider time;
    private readonly int cores;
    private readonly Func<(TimeSpan CpuTime, long WorkingSetBytes)> read;
    private (DateTimeOffset At, TimeSpan CpuTime) previous;

    /// <param name="read">The process's total CPU time and working set now (a test passes its own).</param>
    public ProcessResourceMeter(TimeProvider time, int cores, Func<(TimeSpan CpuTime, long WorkingSetBytes)>? read = null)
    {
        this.time = time;
        this.cores = Math.Max(1, cores);
        this.read = read ?? ReadProcess;
        previous = (time.GetUtcNow(), this.read().CpuTime);
    }

    public SiloResourceSample Read()
    {
        var now = time.GetUtcNow();
        var (cpu, workingSet) = read();
        var wall = (now - previous.At).TotalSeconds;
        var percent = wall > 0 ? (cpu - previous.CpuTime).TotalSeconds / (wall * cores) * 100 : 0;
        previous = (now, cpu);
        // Clock granularity can put a busy process a hair over 100 % (or a fresh baseline under 0).
        return new SiloResourceSample { At = now, CpuPercent = Math.Clamp(percent, 0, 100), WorkingSetBytes = workingSet };
    }

    private static (TimeSpan, long) ReadProcess()
    {
        using var process = Process.GetCurrentProcess();
        return (process.TotalProcessorTime, process.WorkingSet64);
    }
}
