using FusionCluster.Grains.Abstractions;
using Orleans.Runtime;
using Orleans.Runtime.Placement;
using Orleans.TestingHost;

namespace FusionCluster.Grains.Tests.Jobs;

/// <summary>Runs a merge job and kills, once, a silo other than the job's own while it runs a unit of one phase.</summary>
public static class SiloKills
{
    /// <summary>
    /// Activates job <paramref name="jobId"/>'s grain on the cluster's first silo and returns the id: with
    /// <c>firstSiloIsCoordinator</c> no unit runs there, so the silo of any running unit can be killed without losing the
    /// job's in-memory state, however few units the phase has. The activation carries Orleans' placement hint, which every
    /// built-in placement director honours; trying ids until one landed there failed when the resource-optimised
    /// placement kept preferring the other silos.
    /// </summary>
    public static async Task<string> JobOnFirstSiloAsync(InProcessTestCluster cluster, string jobId)
    {
        var first = cluster.Silos[0];
        RequestContext.Set(IPlacementDirector.PlacementHintKey, first.SiloAddress);
        JobStatus status;
        try
        {
            status = await cluster.Client.GetGrain<IMergeJobGrain>(jobId).GetStatus();
        }
        finally
        {
            RequestContext.Remove(IPlacementDirector.PlacementHintKey);
        }

        return status.Coordinator == first.Name ? jobId : throw new InvalidOperationException($"job {jobId}'s grain was placed on {status.Coordinator}, not on {first.Name} as hinted");
    }

    /// <returns>The finished job's status, and whether a silo was killed while it ran a unit of <paramref name="phase"/>.</returns>
    public static async Task<(JobStatus Status, bool Killed)> RunKillingAsync(
        InProcessTestCluster cluster, string jobId, MergeRequest request, string phase, CancellationToken cancellation)
    {
        var killed = false;
        var status = await JobRuns.RunAsync(cluster, jobId, request, cancellation, async (job, status) =>
        {
            if (killed)
            {
                return;
            }

            var busy = (await job.GetUnits()).Where(u => u.State == UnitState.Running && u.Phase == phase).Select(u => u.Silo).ToHashSet();
            // The job's own silo is spared (as in MergeJobGrainTests): a killed job grain is the multi-process test's case.
            var victim = cluster.Silos.FirstOrDefault(s => busy.Contains(s.Name) && s.Name != status.Coordinator);
            if (victim is not null)
            {
                await cluster.KillSiloAsync(victim, cancellation);
                killed = true;
            }
        });
        return (status, killed);
    }
}
