namespace FusionCluster.Grains.Abstractions;

/// <summary>One merge job, keyed by job id: plans, dispatches work units, publishes the result.</summary>
[Alias("fc.IMergeJobGrain")]
public interface IMergeJobGrain : IGrainWithStringKey
{
    /// <summary>Plans the merge and starts dispatching; returns once the job is running (or has failed to plan).</summary>
    [Alias("Start")]
    [ResponseTimeout("00:10:00")]
    Task<JobStatus> Start(MergeRequest request);

    [Alias("GetStatus")]
    Task<JobStatus> GetStatus();

    /// <summary>Stops dispatching, waits for running units to stop, and removes the staged output.</summary>
    [Alias("Cancel")]
    Task Cancel();
}
