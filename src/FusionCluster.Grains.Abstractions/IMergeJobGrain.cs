namespace FusionCluster.Grains.Abstractions;

/// <summary>
/// One merge job, keyed by job id: plans, dispatches work units to worker silos under leases, retries
/// what fails or is lost, and publishes the result. Its state is persisted, so a job survives silo
/// failures and a full cluster restart.
/// </summary>
[Alias("fc.IMergeJobGrain")]
public interface IMergeJobGrain : IGrainWithStringKey
{
    /// <summary>Plans the merge and starts dispatching; returns once the job is running (or has failed to plan).</summary>
    [Alias("Start")]
    [ResponseTimeout("00:10:00")]
    Task<JobStatus> Start(MergeRequest request);

    [Alias("GetStatus")]
    Task<JobStatus> GetStatus();

    /// <summary>
    /// The job's status once it has finished, or when <paramref name="patience"/> has passed first: a caller that
    /// must act on the job's end hears of it at once instead of at its next poll.
    /// </summary>
    [Alias("WhenFinished")]
    [ResponseTimeout("00:02:00")]
    Task<JobStatus> WhenFinished(TimeSpan patience);

    [Alias("GetUnits")]
    Task<IReadOnlyList<UnitStatus>> GetUnits();

    /// <summary>The job's progress samples, oldest first: every second while it runs, thinned to a bounded number.</summary>
    [Alias("GetMetrics")]
    Task<IReadOnlyList<JobMetricSample>> GetMetrics();

    /// <summary>Stops dispatching, stops running units, and removes the staged output.</summary>
    [Alias("Cancel")]
    [ResponseTimeout("00:05:00")]
    Task Cancel();

    [Alias("Subscribe")]
    Task Subscribe(IJobObserver observer);

    [Alias("Unsubscribe")]
    Task Unsubscribe(IJobObserver observer);

    [Alias("Report")]
    Task Report(UnitReport report);

    [Alias("RenewLeases")]
    Task RenewLeases(string silo, IReadOnlyList<UnitLease> leases);
}
