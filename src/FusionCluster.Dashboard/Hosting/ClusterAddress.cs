using FusionCluster.Client;

namespace FusionCluster.Dashboard.Hosting;

/// <summary>
/// The cluster the dashboard serves, from configuration: Fusion:Cluster:Gateway (the loopback gateway port
/// of the embedded silo that `fusion dashboard` starts), or Fusion:Cluster:Redis (or $FUSION_CLUSTER) with
/// Fusion:Cluster:Id (or $FUSION_CLUSTER_ID) and Fusion:Cluster:ServiceId (or $FUSION_SERVICE_ID; default
/// "fusion") for a real cluster.
/// </summary>
public static class ClusterAddress
{
    public static ClusterEndpoint FromConfiguration(IConfiguration configuration)
    {
        var id = configuration["Fusion:Cluster:Id"] is { Length: > 0 } configuredId ? configuredId
            : Environment.GetEnvironmentVariable("FUSION_CLUSTER_ID") is { Length: > 0 } environmentId ? environmentId
            : FusionClusterIdentity.DefaultClusterId;
        if (configuration["Fusion:Cluster:Gateway"] is { Length: > 0 } gateway)
        {
            return int.TryParse(gateway, System.Globalization.CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536
                ? ClusterEndpoint.LoopbackGateway(port, id)
                : throw new InvalidOperationException($"Fusion:Cluster:Gateway '{gateway}': expected the loopback gateway port of an embedded silo");
        }

        var redis = configuration["Fusion:Cluster:Redis"] is { Length: > 0 } configured ? configured : Environment.GetEnvironmentVariable("FUSION_CLUSTER");
        if (string.IsNullOrWhiteSpace(redis))
        {
            throw new InvalidOperationException("no cluster is given: start the dashboard with `fusion dashboard` (it starts a silo for it), or set Fusion:Cluster:Redis (host:port) or FUSION_CLUSTER");
        }

        var serviceId = configuration["Fusion:Cluster:ServiceId"] is { Length: > 0 } configuredService ? configuredService
            : Environment.GetEnvironmentVariable("FUSION_SERVICE_ID") is { Length: > 0 } environmentService ? environmentService
            : FusionClusterIdentity.ServiceId;
        return FusionServiceIds.IsValid(serviceId)
            ? ClusterEndpoint.ThroughRedis(redis, id, serviceId)
            : throw new InvalidOperationException($"Fusion:Cluster:ServiceId '{serviceId}': {FusionServiceIds.Rule}");
    }
}
