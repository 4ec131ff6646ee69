using System.Collections.Immutable;
using FusionCluster.Dashboard.Hosting;
using FusionCluster.Dashboard.Security;
using FusionCluster.Grains.Abstractions;
using Microsoft.Extensions.Options;

namespace FusionCluster.Dashboard.Services;

/// <summary>Polls silos and the job catalog every <see cref="DashboardOptions.ClusterRefreshInterval"/> for all circuits at once.</summary>
public sealed class ClusterMonitor(IFusionCluster cluster, IOptions<DashboardOptions> options, SecretRedactor redactor, TimeProvider time, ILogger<ClusterMonitor> logger)
    : BackgroundService, IClusterMonitor
{
    /// <summary>Five minutes of samples at the default two-second interval.</summary>
    public const int HistoryLength = 150;

    /// <summary>How often the persisted history is offered a sample and reread (it keeps one a minute).</summary>
    public static readonly TimeSpan HoursSpacing = TimeSpan.FromMinutes(1);

    /// <summary>How often silos' resource histories are reread (silos report every ten seconds).</summary>
    public static readonly TimeSpan ResourceSpacing = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan PollTimeout = TimeSpan.FromSeconds(10);

    private readonly SemaphoreSlim polling = new(1, 1);
    private ImmutableQueue<ThroughputSample> history = [];
    private int historyCount;
    private IReadOnlyList<ClusterSample> hours = [];
    private DateTimeOffset lastHoursRecord = DateTimeOffset.MinValue;
    private IReadOnlyList<SiloResourceHistory> resources = [];
    private DateTimeOffset lastResourceRead = DateTimeOffset.MinValue;
    private ClusterSnapshot? latest;
    private string? lastLoggedError;

    public event Action? Changed;

    public ClusterSnapshot? Latest => Volatile.Read(ref latest);

    public IReadOnlyList<ThroughputSample> Throughput => Volatile.Read(ref history).ToList();

    public IReadOnlyList<ClusterSample> History => Volatile.Read(ref hours);

    public IReadOnlyList<SiloResourceHistory> Resources => Volatile.Read(ref resources);

    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await polling.WaitAsync(cancellationToken);
        try
        {
            await PollAsync(cancellationToken);
        }
        finally
        {
            polling.Release();
        }

        Changed?.Invoke();
    }

    public override void Dispose()
    {
        polling.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ClusterRefreshInterval, time);
        do
        {
            try
            {
                await RefreshAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task PollAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(PollTimeout);
        var previous = Latest;
        try
        {
            var silos = cluster.GetSilosAsync(timeout.Token);
            var jobs = cluster.ListJobsAsync(timeout.Token);
            var members = MembershipAsync(previous, timeout.Token);
            await Task.WhenAll(silos, jobs, members);
            var now = time.GetUtcNow();
            Volatile.Write(ref latest, new ClusterSnapshot(silos.Result, jobs.Result, now, null) { Membership = members.Result, LastAnsweredAt = now });
            Record(new ThroughputSample(now, silos.Result.Sum(s => s.BytesPerSecond), silos.Result.Sum(s => s.UnitsRunning)));
            await RecordHoursAsync(now, silos.Result, timeout.Token);
            await ReadResourcesAsync(now, timeout.Token);
            lastLoggedError = null;
        }
        catch (Exception e) when (e is not OutOfMemoryException && !cancellationToken.IsCancellationRequested)
        {
            // The page gets one friendly sentence; the log gets the exception.
            var error = redactor.Redact(ConnectionTrouble.Describe(e, PollTimeout));
            Volatile.Write(ref latest, new ClusterSnapshot(previous?.Silos ?? [], previous?.Jobs ?? [], time.GetUtcNow(), error)
            {
                Membership = previous?.Membership ?? [],
                LastAnsweredAt = previous?.LastAnsweredAt,
            });
            if (error != lastLoggedError)
            {
                // Once per distinct error, not every two seconds while the cluster is away.
                logger.LogWarning("Polling the cluster failed: {Error} ({Detail})", error, redactor.Redact(e.GetBaseException().Message));
                lastLoggedError = error;
            }
        }
    }

    /// <summary>The membership history is extra: when it cannot be read (an older silo), the last one read stays.</summary>
    private async Task<IReadOnlyList<SiloMembership>> MembershipAsync(ClusterSnapshot? previous, CancellationToken cancellationToken)
    {
        try
        {
            return await cluster.GetMembershipAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OutOfMemoryException && !cancellationToken.IsCancellationRequested)
        {
            logger.LogDebug("Reading the membership table failed: {Error}", redactor.Redact(e.GetBaseException().Message));
            return previous?.Membership ?? [];
        }
    }

    /// <summary>
    /// Once a minute: offers the sample to the cluster's persisted history and rereads it. Extra: a cluster whose
    /// silos have no history grain (older) keeps the overview working without the day's chart.
    /// </summary>
    private async Task RecordHoursAsync(DateTimeOffset now, IReadOnlyList<SiloInfo> silos, CancellationToken cancellationToken)
    {
        if (now - lastHoursRecord < HoursSpacing)
        {
            return;
        }

        lastHoursRecord = now;
        try
        {
            await cluster.RecordClusterSampleAsync(
                new ClusterSample
                {
                    At = now,
                    BytesPerSecond = silos.Sum(s => s.BytesPerSecond),
                    UnitsRunning = silos.Sum(s => s.UnitsRunning),
                    Silos = silos.Select(s => new SiloSample(s.Name, s.BytesPerSecond, s.UnitsRunning)).ToList(),
                },
                cancellationToken);
            Volatile.Write(ref hours, await cluster.GetClusterHistoryAsync(cancellationToken));
        }
        catch (Exception e) when (e is not OutOfMemoryException && !cancellationToken.IsCancellationRequested)
        {
            logger.LogDebug("Recording the cluster's history failed: {Error}", redactor.Redact(e.GetBaseException().Message));
        }
    }

    /// <summary>Extra, like the hours: a cluster whose silos report no resources (older) shows no resource charts.</summary>
    private async Task ReadResourcesAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (now - lastResourceRead < ResourceSpacing)
        {
            return;
        }

        lastResourceRead = now;
        try
        {
            Volatile.Write(ref resources, await cluster.GetSiloResourcesAsync(cancellationToken));
        }
        catch (Exception e) when (e is not OutOfMemoryException && !cancellationToken.IsCancellationRequested)
        {
            logger.LogDebug("Reading the silos' resources failed: {Error}", redactor.Redact(e.GetBaseException().Message));
        }
    }

    private void Record(ThroughputSample sample)
    {
        var queue = history.Enqueue(sample);
        if (++historyCount > HistoryLength)
        {
            queue = queue.Dequeue();
            historyCount--;
        }

        Volatile.Write(ref history, queue);
    }
}
