using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Dashboard.Services;

/// <summary>The grains of the cluster (or of the co-hosted silo), through the Orleans client.</summary>
public sealed class OrleansFusionCluster(IClusterClient client, ILogger<JobSubscription> subscriptionLogger) : IFusionCluster
{
    public const string CatalogKey = "default";

    public Task<IReadOnlyList<JobSummary>> ListJobsAsync(CancellationToken cancellationToken) =>
        client.GetGrain<IJobCatalogGrain>(CatalogKey).List().WaitAsync(cancellationToken);

    public async Task<JobStatus?> GetJobAsync(string jobId, CancellationToken cancellationToken)
    {
        var status = await client.GetGrain<IMergeJobGrain>(jobId).GetStatus().WaitAsync(cancellationToken);

        // A job grain that was never started answers with an empty status rather than an error.
        return status.State == JobState.Pending && status.SubmittedAt == default && status.UnitsTotal == 0 ? null : status;
    }

    public Task<IReadOnlyList<UnitStatus>> GetUnitsAsync(string jobId, CancellationToken cancellationToken) =>
        client.GetGrain<IMergeJobGrain>(jobId).GetUnits().WaitAsync(cancellationToken);

    public Task<IReadOnlyList<JobMetricSample>> GetJobMetricsAsync(string jobId, CancellationToken cancellationToken) =>
        client.GetGrain<IMergeJobGrain>(jobId).GetMetrics().WaitAsync(cancellationToken);

    public Task<IReadOnlyList<SiloLogLine>> GetSiloLogsAsync(string silo, int max, CancellationToken cancellationToken) =>
        client.GetGrain<IClusterInfoGrain>(0).GetSiloLogs(silo, max).WaitAsync(cancellationToken);

    public Task RecordClusterSampleAsync(ClusterSample sample, CancellationToken cancellationToken) =>
        client.GetGrain<IClusterHistoryGrain>(0).Record(sample).WaitAsync(cancellationToken);

    public Task<IReadOnlyList<ClusterSample>> GetClusterHistoryAsync(CancellationToken cancellationToken) =>
        client.GetGrain<IClusterHistoryGrain>(0).GetHistory().WaitAsync(cancellationToken);

    public Task<IReadOnlyList<SiloResourceHistory>> GetSiloResourcesAsync(CancellationToken cancellationToken) =>
        client.GetGrain<ISiloResourceGrain>(0).GetHistory().WaitAsync(cancellationToken);

    public Task<IReadOnlyList<SiloInfo>> GetSilosAsync(CancellationToken cancellationToken) =>
        client.GetGrain<IClusterInfoGrain>(0).GetSilos().WaitAsync(cancellationToken);

    public Task<IReadOnlyList<SiloMembership>> GetMembershipAsync(CancellationToken cancellationToken) =>
        client.GetGrain<IClusterInfoGrain>(0).GetMembership().WaitAsync(cancellationToken);

    public Task<PlanPreview> PreviewAsync(MergeRequest request, CancellationToken cancellationToken) =>
        client.GetGrain<IPlannerGrain>(0).Preview(request).WaitAsync(cancellationToken);

    public Task<JobStatus> StartAsync(string jobId, MergeRequest request, CancellationToken cancellationToken) =>
        client.GetGrain<IMergeJobGrain>(jobId).Start(request).WaitAsync(cancellationToken);

    public Task CancelAsync(string jobId, CancellationToken cancellationToken) =>
        client.GetGrain<IMergeJobGrain>(jobId).Cancel().WaitAsync(cancellationToken);

    public async Task<IAsyncDisposable> WatchAsync(string jobId, Action<JobEvent> onEvent, CancellationToken cancellationToken)
    {
        var subscription = new JobSubscription(client, client.GetGrain<IMergeJobGrain>(jobId), onEvent, subscriptionLogger);
        try
        {
            await subscription.StartAsync(cancellationToken);
        }
        catch
        {
            await subscription.DisposeAsync();
            throw;
        }

        return subscription;
    }
}
