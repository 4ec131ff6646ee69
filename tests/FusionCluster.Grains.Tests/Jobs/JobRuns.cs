using FusionCluster.Grains.Abstractions;
using Orleans.TestingHost;

namespace FusionCluster.Grains.Tests.Jobs;

/// <summary>Starts a merge job on a test cluster and polls it until it finishes (or <c>timeout</c>, two minutes by default, passes).</summary>
public static class JobRuns
{
    public static async Task<JobStatus> RunAsync(InProcessTestCluster cluster, string jobId, MergeRequest request, CancellationToken cancellation, TimeSpan? timeout = null)
    {
        var job = cluster.Client.GetGrain<IMergeJobGrain>(jobId);
        var status = await job.Start(request);
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromMinutes(2));
        while (!status.IsFinished && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20, cancellation);
            status = await job.GetStatus();
        }

        return status;
    }
}
