using FusionCluster.Dashboard.Services;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FusionCluster.Dashboard.Hosting;

/// <summary>/health: healthy when the cluster answers with at least one silo within a few seconds. Says nothing else (it is anonymous).</summary>
public sealed class ClusterHealthCheck(IFusionCluster cluster) : IHealthCheck
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            var silos = await cluster.GetSilosAsync(timeout.Token);
            return silos.Count > 0 ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("no active silos");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return HealthCheckResult.Unhealthy("the cluster does not answer");
        }
    }
}
