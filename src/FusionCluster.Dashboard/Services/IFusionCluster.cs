using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Dashboard.Services;

/// <summary>
/// Everything the dashboard reads from or sends to the cluster's grains. Pages never touch grains
/// directly; changes (start, cancel) go through <see cref="JobCommands"/>, which checks the user's role.
/// </summary>
public interface IFusionCluster
{
    /// <summary>Every job of the catalog, newest first.</summary>
    Task<IReadOnlyList<JobSummary>> ListJobsAsync(CancellationToken cancellationToken);

    /// <summary>The job's status, or null when the cluster has no such job.</summary>
    Task<JobStatus?> GetJobAsync(string jobId, CancellationToken cancellationToken);

    Task<IReadOnlyList<UnitStatus>> GetUnitsAsync(string jobId, CancellationToken cancellationToken);

    /// <summary>The job's kept progress samples (oldest first), for its throughput curve while it runs and after.</summary>
    Task<IReadOnlyList<JobMetricSample>> GetJobMetricsAsync(string jobId, CancellationToken cancellationToken);

    /// <summary>The newest log lines of an active silo, unredacted: read them through <see cref="SiloLogReader"/>, which checks the role and redacts.</summary>
    Task<IReadOnlyList<SiloLogLine>> GetSiloLogsAsync(string silo, int max, CancellationToken cancellationToken);

    /// <summary>Offers a sample to the cluster's persisted history (kept at most once a minute, for a day).</summary>
    Task RecordClusterSampleAsync(ClusterSample sample, CancellationToken cancellationToken);

    /// <summary>The cluster's persisted history, oldest first.</summary>
    Task<IReadOnlyList<ClusterSample>> GetClusterHistoryAsync(CancellationToken cancellationToken);

    /// <summary>Every silo's CPU and memory (and GPU) over the last day, as the silos reported them; silos by name.</summary>
    Task<IReadOnlyList<SiloResourceHistory>> GetSiloResourcesAsync(CancellationToken cancellationToken);

    Task<IReadOnlyList<SiloInfo>> GetSilosAsync(CancellationToken cancellationToken);

    /// <summary>Every silo the membership table holds, departed ones with when and why.</summary>
    Task<IReadOnlyList<SiloMembership>> GetMembershipAsync(CancellationToken cancellationToken);

    Task<PlanPreview> PreviewAsync(MergeRequest request, CancellationToken cancellationToken);

    Task<JobStatus> StartAsync(string jobId, MergeRequest request, CancellationToken cancellationToken);

    Task CancelAsync(string jobId, CancellationToken cancellationToken);

    /// <summary>Delivers the job's events to <paramref name="onEvent"/> (on any thread) until the result is disposed.</summary>
    Task<IAsyncDisposable> WatchAsync(string jobId, Action<JobEvent> onEvent, CancellationToken cancellationToken);
}
