using System.Threading.Channels;
using FusionCluster.Dashboard.Hosting;
using FusionCluster.Dashboard.Security;
using FusionCluster.Dashboard.Services;
using FusionCluster.Grains.Abstractions;
using FusionCluster.Grains.Abstractions.Sweeps;
using Microsoft.Extensions.Options;

namespace FusionCluster.Dashboard.Notifications;

/// <summary>
/// Watches the cluster monitor's job list and the sweep list, turns their changes into notifications
/// (<see cref="ClusterEvents"/>) and delivers each to every webhook that asked for its kind. Deliveries run one
/// at a time off a queue, so a slow or retrying webhook never holds up the polls that feed the pages.
/// </summary>
public sealed class NotificationService(
    IClusterMonitor monitor,
    IFusionSweeps sweeps,
    WebhookStore store,
    WebhookSender sender,
    SecretRedactor redactor,
    IOptions<DashboardOptions> options,
    TimeProvider time,
    ILogger<NotificationService> logger) : BackgroundService
{
    private readonly Channel<Notification> queue = Channel.CreateBounded<Notification>(new BoundedChannelOptions(1000) { FullMode = BoundedChannelFullMode.DropOldest });
    private readonly Lock gate = new();
    private IReadOnlyList<JobSummary>? lastJobs;
    private IReadOnlyList<SweepSummary>? lastSweeps;

    /// <summary>
    /// Queues <paramref name="notification"/> for every webhook subscribed to its kind, redacted as every page is: a job's
    /// error can quote a connection string or a SAS URL, and a webhook's channel is read by more people than the dashboard.
    /// </summary>
    public void Publish(Notification notification) => queue.Writer.TryWrite(notification with { Text = redactor.Redact(notification.Text) });

    /// <summary>Sends one message to one webhook now (the settings page's "Send test"), retries included.</summary>
    public Task<WebhookDelivery> SendTestAsync(WebhookSubscription webhook, string text, CancellationToken cancellationToken) =>
        sender.SendAsync(webhook.Url, text, cancellationToken);

    /// <summary>Compares the job list with the one seen before and queues what changed.</summary>
    public void ObserveJobs(IReadOnlyList<JobSummary> jobs)
    {
        IReadOnlyList<Notification> found;
        lock (gate)
        {
            found = ClusterEvents.BetweenJobs(lastJobs, jobs);
            lastJobs = jobs;
        }

        foreach (var notification in found)
        {
            Publish(notification);
        }
    }

    /// <summary>Compares the sweep list with the one seen before and queues what changed.</summary>
    public void ObserveSweeps(IReadOnlyList<SweepSummary> current)
    {
        IReadOnlyList<Notification> found;
        lock (gate)
        {
            found = ClusterEvents.BetweenSweeps(lastSweeps, current);
            lastSweeps = current;
        }

        foreach (var notification in found)
        {
            Publish(notification);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        monitor.Changed += OnMonitorChanged;
        try
        {
            await Task.WhenAll(DeliverAsync(stoppingToken), PollSweepsAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            monitor.Changed -= OnMonitorChanged;
        }
    }

    private void OnMonitorChanged()
    {
        if (monitor.Latest is { Error: null } snapshot)
        {
            ObserveJobs(snapshot.Jobs);
        }
    }

    private async Task PollSweepsAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ClusterRefreshInterval, time);
        do
        {
            try
            {
                ObserveSweeps(await sweeps.ListSweepsAsync(stoppingToken));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The overview reports an unreachable cluster; a missed poll only delays a notification.
                logger.LogDebug("Sweep list for notifications not read: {Reason}", e.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task DeliverAsync(CancellationToken stoppingToken)
    {
        await foreach (var notification in queue.Reader.ReadAllAsync(stoppingToken))
        {
            IReadOnlyList<WebhookSubscription> targets;
            try
            {
                targets = [.. store.List().Where(w => w.Kinds.Contains(notification.Kind))];
            }
            catch (InvalidOperationException e)
            {
                logger.LogError("Notification not sent: {Reason}", e.Message);
                continue;
            }

            foreach (var webhook in targets)
            {
                await sender.SendAsync(webhook.Url, notification.Text, stoppingToken);
            }
        }
    }
}
