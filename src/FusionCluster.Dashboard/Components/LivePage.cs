namespace FusionCluster.Dashboard.Components;

/// <summary>
/// The plumbing of a page that follows one item live (a job, a sweep): a lifetime that ends when the page shows
/// another item or goes away, a refresh that never overlaps itself, and a periodic refresh on the page's
/// dispatcher that stops with the lifetime. The page keeps what it shows and how it loads it.
/// </summary>
/// <param name="interval">Time between two periodic refreshes.</param>
/// <param name="time">The clock the periodic refresh runs on (a fake in tests).</param>
public sealed class LivePage(TimeSpan interval, TimeProvider time) : IAsyncDisposable
{
    private CancellationTokenSource? lifetime;
    private bool refreshing;

    /// <summary>The current lifetime's token; <see cref="CancellationToken.None"/> between lifetimes.</summary>
    public CancellationToken Token => lifetime?.Token ?? CancellationToken.None;

    /// <summary>True while a lifetime runs and has not been stopped.</summary>
    public bool IsAlive => lifetime is { IsCancellationRequested: false };

    /// <summary>Ends the current lifetime (stopping its refreshes) and starts a new one.</summary>
    public async Task<CancellationToken> RestartAsync()
    {
        await StopAsync();
        lifetime = new CancellationTokenSource();
        return lifetime.Token;
    }

    /// <summary>Ends the current lifetime, if any.</summary>
    public async Task StopAsync()
    {
        if (lifetime is not null)
        {
            await lifetime.CancelAsync();
            lifetime.Dispose();
            lifetime = null;
        }
    }

    /// <summary>Runs <paramref name="refresh"/> with the lifetime's token, unless a refresh is still running (then nothing happens).</summary>
    public async Task RefreshAsync(Func<CancellationToken, Task> refresh)
    {
        ArgumentNullException.ThrowIfNull(refresh);
        if (refreshing)
        {
            return;
        }

        refreshing = true;
        try
        {
            await refresh(Token);
        }
        finally
        {
            refreshing = false;
        }
    }

    /// <summary>
    /// Every interval, runs <paramref name="tick"/> through <paramref name="dispatch"/> (the component's InvokeAsync)
    /// until <paramref name="cancellationToken"/> is cancelled or <paramref name="done"/> holds after a tick.
    /// </summary>
    public async Task RunPeriodicallyAsync(Func<Func<Task>, Task> dispatch, Func<Task> tick, CancellationToken cancellationToken, Func<bool>? done = null)
    {
        ArgumentNullException.ThrowIfNull(dispatch);
        ArgumentNullException.ThrowIfNull(tick);
        using var timer = new PeriodicTimer(interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                await dispatch(tick);
                if (done?.Invoke() == true)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The page is gone, or shows another item.
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
