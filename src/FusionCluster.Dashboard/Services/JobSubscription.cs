using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Dashboard.Services;

/// <summary>
/// One page's observer of one job. The job's observer list forgets subscribers after two minutes, so
/// this renews the subscription every <see cref="RenewInterval"/> until disposed; disposing unsubscribes
/// and releases the object reference (the circuit ending disposes the page, and so this).
/// </summary>
public sealed class JobSubscription : IJobObserver, IAsyncDisposable
{
    public static readonly TimeSpan RenewInterval = TimeSpan.FromSeconds(30);

    private readonly IGrainFactory grains;
    private readonly IMergeJobGrain job;
    private readonly Action<JobEvent> onEvent;
    private readonly ILogger logger;
    private readonly CancellationTokenSource stopping = new();
    private IJobObserver? reference;
    private Task renewing = Task.CompletedTask;
    private int disposed;

    public JobSubscription(IGrainFactory grains, IMergeJobGrain job, Action<JobEvent> onEvent, ILogger logger)
    {
        this.grains = grains;
        this.job = job;
        this.onEvent = onEvent;
        this.logger = logger;
    }

    public void OnJobEvent(JobEvent jobEvent)
    {
        if (Volatile.Read(ref disposed) == 0)
        {
            onEvent(jobEvent);
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Orleans keeps only a weak reference to this object; the page holding the subscription keeps it alive.
        reference = grains.CreateObjectReference<IJobObserver>(this);
        await job.Subscribe(reference).WaitAsync(cancellationToken);
        renewing = RenewAsync(reference, stopping.Token);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        await stopping.CancelAsync();
        await renewing;
        if (reference is not null)
        {
            try
            {
                await job.Unsubscribe(reference).WaitAsync(TimeSpan.FromSeconds(5));
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // The job's silo may be gone; its observer list forgets this subscriber on its own.
                logger.LogDebug("Unsubscribing from a job failed: {Error}", e.Message);
            }

            grains.DeleteObjectReference<IJobObserver>(reference);
        }

        stopping.Dispose();
    }

    private async Task RenewAsync(IJobObserver observer, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(RenewInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                try
                {
                    await job.Subscribe(observer).WaitAsync(cancellationToken);
                }
                catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
                {
                    // The periodic status refresh keeps the page right meanwhile; the next tick tries again.
                    logger.LogWarning("Renewing a job subscription failed: {Error}", e.Message);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed.
        }
    }
}
