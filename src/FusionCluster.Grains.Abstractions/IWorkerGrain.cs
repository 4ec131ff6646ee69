namespace FusionCluster.Grains.Abstractions;

/// <summary>
/// The unit runner of one worker silo, keyed by that silo's address (SiloAddress.ToParsableString()) and
/// always placed on it. It queues what it is sent, runs as many units at once as the silo has slots,
/// renews their leases, and reports each outcome to the unit's job.
/// </summary>
[Alias("fc.IWorkerGrain")]
public interface IWorkerGrain : IGrainWithStringKey
{
    [Alias("Run")]
    Task Run(string jobId, IReadOnlyList<UnitDispatch> units);

    /// <summary>Stops the job's units on this silo; they report <see cref="UnitOutcome.Returned"/>.</summary>
    [Alias("CancelJob")]
    Task CancelJob(string jobId);

    [Alias("GetLoad")]
    Task<WorkerLoad> GetLoad();
}
