using FusionCluster.Grains.Abstractions;
using Orleans.TestingHost;

namespace FusionCluster.Grains.Tests.Jobs;

/// <summary>Starts a merge job on a test cluster and polls it until it finishes (or <c>timeout</c>, two minutes by default, passes).</summary>
public static class JobRuns
{
    /// <param name="whileRunning">Called on each poll while units run (to kill a silo, to time a phase).</param>
    public static async Task<JobStatus> RunAsync(
        InProcessTestCluster cluster,
        string jobId,
        MergeRequest request,
        CancellationToken cancellation,
        Func<IMergeJobGrain, JobStatus, Task>? whileRunning = null,
        TimeSpan? timeout = null)
    {
        var job = cluster.Client.GetGrain<IMergeJobGrain>(jobId);
        var status = await job.Start(request);
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromMinutes(2));
        while (!status.IsFinished && DateTime.UtcNow < deadline)
        {
            if (whileRunning is not null && status.UnitsRunning > 0)
            {
                await whileRunning(job, status);
            }

            await Task.Delay(10, cancellation);
            status = await job.GetStatus();
        }

        return status;
    }
}
