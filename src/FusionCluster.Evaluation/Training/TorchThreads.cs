using static TorchSharp.torch;

namespace FusionCluster.Evaluation.Training;

/// <summary>
/// Runs libtorch's CPU ops on a fixed number of threads for a stretch of work, so their results do not depend on what
/// else the process ran: a matmul or a reduction split across threads adds its floats in another order (a connect
/// path's Bézier midpoint loss differed in the eighth digit between 1 and 2 threads). libtorch keeps the count per
/// OS thread (OpenMP's and MKL's thread-local settings), and a thread that never set it takes the count last set by
/// any thread, so the work must set it on every thread it runs on. The count therefore travels with the work, as an
/// <see cref="AsyncLocal{T}"/>: whenever a thread starts running work inside a scope (the scope's own thread, or a pool
/// thread continuing it after an await) it is set to the scope's count, and when the thread leaves that work it gets
/// back the count it had before. A process-wide count shared by reference counting (as <c>MergeStatistics</c> once
/// did) set nothing for a caller that came second, and a count set only where a scope began left the work after its
/// first await on whatever count its pool thread had.
/// </summary>
public static class TorchThreads
{
    private static readonly AsyncLocal<int?> Required = new(OnRequiredChanged);

    /// <summary>The count this OS thread had before work inside a scope first ran on it; null while none does.</summary>
    [ThreadStatic]
    private static int? ownCount;

    /// <summary>Runs libtorch on <paramref name="threads"/> threads for the work that follows, awaits included, until the scope is disposed.</summary>
    public static IDisposable Use(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        // Loads libtorch before the value changes: a failure is then the caller's exception. A handler that failed here
        // would leave the value set and fail again when the work moves to another thread, where .NET ends the process.
        _ = get_num_threads();
        var previous = Required.Value;
        Required.Value = threads;
        return new Scope(previous);
    }

    /// <summary>Called on the thread whose value changes: by <see cref="Use"/> and its end, or by a context switch.</summary>
    private static void OnRequiredChanged(AsyncLocalValueChangedArgs<int?> change)
    {
        if (change.CurrentValue is int threads)
        {
            ownCount ??= get_num_threads();
            set_num_threads(threads);
        }
        else if (ownCount is int own)
        {
            ownCount = null;
            set_num_threads(own);
        }
    }

    /// <summary>Restores the count of the work around it once, however often it is disposed.</summary>
    private sealed class Scope(int? previous) : IDisposable
    {
        private int ended;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref ended, 1) == 0)
            {
                Required.Value = previous;
            }
        }
    }
}
