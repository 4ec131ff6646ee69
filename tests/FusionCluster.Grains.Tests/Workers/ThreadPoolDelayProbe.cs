using System.Diagnostics;

namespace FusionCluster.Grains.Tests.Workers;

/// <summary>
/// How late the .NET thread pool starts the callbacks of a 100 ms timer, measured as Orleans' stall detector measures it
/// (its ".NET Thread Pool execution stalled for N s"): a timer's callbacks wait in the pool's global queue, with the grain
/// calls and timers of every silo in this process.
/// </summary>
public sealed class ThreadPoolDelayProbe : IDisposable
{
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(100);

    private readonly Stopwatch clock = Stopwatch.StartNew();
    private readonly Lock gate = new();
    private readonly Timer timer;
    private TimeSpan lastTick;
    private TimeSpan longest;

    public ThreadPoolDelayProbe() => timer = new Timer(_ => Tick(), null, Period, Period);

    /// <summary>The longest a callback started after its due time so far (counting one still waiting now).</summary>
    public TimeSpan LongestDelay
    {
        get
        {
            lock (gate)
            {
                var waiting = clock.Elapsed - lastTick - Period;
                return waiting > longest ? waiting : longest;
            }
        }
    }

    /// <summary>Forgets the delays so far: what comes before (a cluster starting) is not measured.</summary>
    public void Restart()
    {
        lock (gate)
        {
            longest = TimeSpan.Zero;
            lastTick = clock.Elapsed;
        }
    }

    public void Dispose() => timer.Dispose();

    private void Tick()
    {
        lock (gate)
        {
            var now = clock.Elapsed;
            var late = now - lastTick - Period;
            if (late > longest)
            {
                longest = late;
            }

            lastTick = now;
        }
    }
}
