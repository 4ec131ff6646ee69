using static TorchSharp.torch;

namespace FusionCluster.Evaluation.Training;

/// <summary>
/// Runs libtorch's CPU ops on a fixed number of threads for a stretch of work, so their results do not depend on what
/// else the process ran: a matmul or a reduction split across threads adds its floats in another order (a connect
/// path's Bézier midpoint loss differed in the eighth digit between 1 and 2 threads). libtorch keeps the count per
/// OS thread (OpenMP's and MKL's thread-local settings), and a thread that never set it takes the count last set by
/// any thread, so the work must set it on the thread it runs on: each <see cref="Use"/> sets this thread's count and
/// its end restores this thread's previous one. A process-wide count shared by reference counting (as
/// <c>MergeStatistics</c> once did) set nothing for a caller that came second, which then ran on whatever count its
/// pool thread had. Synchronous work only: after an await the work may continue on a thread with another count.
/// </summary>
public static class TorchThreads
{
    /// <summary>Runs libtorch on <paramref name="threads"/> threads on this thread until the scope is disposed (on this thread).</summary>
    public static IDisposable Use(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        var previous = get_num_threads();
        set_num_threads(threads);
        return new Scope(previous);
    }

    /// <summary>Restores the thread's previous count once, however often it is disposed.</summary>
    private sealed class Scope(int previous) : IDisposable
    {
        private int ended;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref ended, 1) == 0)
            {
                set_num_threads(previous);
            }
        }
    }
}
