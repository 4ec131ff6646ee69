using FusionCluster.Grains;

namespace FusionCluster.Dashboard.Hosting;

/// <summary>
/// The cluster a cluster-mode dashboard joins: Fusion:Cluster:Redis (or $FUSION_CLUSTER), Fusion:Cluster:Id
/// (or $FUSION_CLUSTER_ID) and Fusion:Cluster:ServiceId (or $FUSION_SERVICE_ID, default "fusion").
/// </summary>
public sealed record ClusterAddress(string Redis, string ClusterId, string ServiceId = FusionClusterIdentity.ServiceId)
{
    public const string DefaultClusterId = "fusion-local";

    public static ClusterAddress FromConfiguration(IConfiguration configuration)
    {
        var redis = configuration["Fusion:Cluster:Redis"] is { Length: > 0 } configured ? configured : Environment.GetEnvironmentVariable("FUSION_CLUSTER");
        if (string.IsNullOrWhiteSpace(redis))
        {
            throw new InvalidOperationException("Fusion:Dashboard:Mode is cluster but no cluster is given: set Fusion:Cluster:Redis (host:port) or FUSION_CLUSTER");
        }

        var id = configuration["Fusion:Cluster:Id"] is { Length: > 0 } configuredId ? configuredId
            : Environment.GetEnvironmentVariable("FUSION_CLUSTER_ID") is { Length: > 0 } environmentId ? environmentId
            : DefaultClusterId;
        var serviceId = configuration["Fusion:Cluster:ServiceId"] is { Length: > 0 } configuredService ? configuredService
            : Environment.GetEnvironmentVariable("FUSION_SERVICE_ID") is { Length: > 0 } environmentService ? environmentService
            : FusionClusterIdentity.ServiceId;
        if (!FusionServiceIds.IsValid(serviceId))
        {
            throw new InvalidOperationException($"Fusion:Cluster:ServiceId '{serviceId}': {FusionServiceIds.Rule}");
        }

        return new ClusterAddress(redis, id, serviceId);
    }

    /// <summary>Host and port only: a Redis connection string may carry a password, which never reaches a log.</summary>
    public string DescribeRedis() => StackExchange.Redis.ConfigurationOptions.Parse(Redis).ToString(includePassword: false);
}
