using System.Collections.Concurrent;

namespace FusionCluster.Core.Execution;

/// <summary>
/// Threads of the process's own for long CPU-bound unit work, apart from the .NET thread pool, on which Orleans runs
/// grain calls, timers and its own health checks. A parallel loop on the pool re-queues its pieces to the local queues
/// of the pool threads running them; each of those threads serves its local queue before the global queue, where
/// Orleans' work waits, and a pool whose threads keep finishing pieces may add none. While weight matching's products
/// ran on the pool (seconds each at 7B widths, one after another), Orleans logged ".NET Thread Pool execution stalled
/// for 15.5 s" every ~20 s; a stalled silo delays every grain call it serves and is suspected by the other silos.
/// Here a loop's pieces wait in a queue of their own, and the operating system, not the pool's queue order, shares
/// the cores between them and Orleans' threads.
/// </summary>
public sealed class ComputeThreads : TaskScheduler
{
    private static readonly Lazy<ComputeThreads> Instance = new(() => new ComputeThreads(Environment.ProcessorCount));

    private readonly BlockingCollection<Task> queue = new();
    private readonly int threads;

    private ComputeThreads(int threads)
    {
        this.threads = threads;
        for (var i = 0; i < threads; i++)
        {
            new Thread(Work) { IsBackground = true, Name = $"fusion-compute-{i}" }.Start();
        }
    }

    /// <summary>One thread per core, started on first use and kept for the life of the process.</summary>
    public static ComputeThreads Shared => Instance.Value;

    /// <summary>As many pieces of a loop at once as there are threads (with the caller's own piece): as parallel as on the pool.</summary>
    public override int MaximumConcurrencyLevel => threads;

    /// <summary>Options for a parallel loop whose pieces run on these threads and on the thread that calls it.</summary>
    public ParallelOptions Loop => new() { TaskScheduler = this };

    /// <summary>
    /// Runs <paramref name="work"/>, synchronous and long, on a thread of its own rather than on a pool thread it would
    /// hold for its whole length; its parallel loops use <see cref="Loop"/>. Anything it awaits synchronously (a
    /// checkpoint opened on the first read of a tensor) completes on the pool as before.
    /// </summary>
    public static Task<T> RunAsync<T>(Func<T> work, CancellationToken cancellationToken) =>
        Task.Factory.StartNew(work, cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    protected override void QueueTask(Task task) => queue.Add(task);

    // The caller of a loop runs one piece itself and waits for the rest; a piece no thread has started yet may run on it
    // (a piece runs once: whichever thread starts it first runs it, the other finds it taken).
    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) => TryExecuteTask(task);

    protected override IEnumerable<Task> GetScheduledTasks() => queue.ToArray();

    private void Work()
    {
        foreach (var task in queue.GetConsumingEnumerable())
        {
            TryExecuteTask(task);
        }
    }
}
