using FusionCluster.Grains.Abstractions;
using Orleans.TestingHost;

namespace FusionCluster.Grains.Tests.Jobs;

/// <summary>Runs a merge job and kills, once, a silo other than the job's own while it runs a unit of one phase.</summary>
public static class SiloKills
{
    /// <summary>
    /// A job id starting with <paramref name="prefix"/> whose grain lives on the cluster's first silo: with
    /// <c>firstSiloIsCoordinator</c> no unit runs there, so the silo of any running unit can be killed without losing
    /// the job's in-memory state, however few units the phase has.
    /// </summary>
    public static async Task<string> JobOnFirstSiloAsync(InProcessTestCluster cluster, string prefix)
    {
        var first = cluster.Silos[0].Name;
        for (var i = 0; i < 200; i++)
        {
            var id = $"{prefix}-{i}";
            if ((await cluster.Client.GetGrain<IMergeJobGrain>(id).GetStatus()).Coordinator == first)
            {
                return id;
            }
        }

        throw new InvalidOperationException($"no job grain of 200 was placed on {first}");
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
            // In-memory grain storage dies with its silo, so the job's own silo is spared (as in MergeJobGrainTests).
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
