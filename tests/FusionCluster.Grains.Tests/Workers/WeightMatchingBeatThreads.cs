using System.Diagnostics;
using FusionCluster.Alignment.Matching;

namespace FusionCluster.Grains.Tests.Workers;

/// <summary>
/// The clock of a <see cref="FusionCluster.Grains.Workers.UnitProgressBoard"/> that also counts, for the beats weight
/// matching sends (a reading of the clock with <see cref="WeightMatcher"/> on the stack), how many came from thread-pool
/// threads and how many from other threads.
/// </summary>
public sealed class WeightMatchingBeatThreads : TimeProvider
{
    private int onPool;
    private int elsewhere;

    public int OnPool => Volatile.Read(ref onPool);

    public int Elsewhere => Volatile.Read(ref elsewhere);

    public override DateTimeOffset GetUtcNow()
    {
        if (new StackTrace().GetFrames().Any(f => f.GetMethod()?.DeclaringType == typeof(WeightMatcher)))
        {
            Interlocked.Increment(ref Thread.CurrentThread.IsThreadPoolThread ? ref onPool : ref elsewhere);
        }

        return base.GetUtcNow();
    }
}
