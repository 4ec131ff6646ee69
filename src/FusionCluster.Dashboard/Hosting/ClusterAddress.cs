using FusionCluster.Grains;

namespace FusionCluster.Dashboard.Hosting;

/// <summary>The cluster a cluster-mode dashboard joins: Fusion:Cluster:Redis (or $FUSION_CLUSTER) and Fusion:Cluster:Id (or $FUSION_CLUSTER_ID).</summary>
public sealed record ClusterAddress(string Redis, string ClusterId)
{
    public const string DefaultClusterId = "fusion-local";

    public string ServiceId => FusionClusterIdentity.ServiceId;

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
        return new ClusterAddress(redis, id);
    }

    /// <summary>Host and port only: a Redis connection string may carry a password, which never reaches a log.</summary>
    public string DescribeRedis() => StackExchange.Redis.ConfigurationOptions.Parse(Redis).ToString(includePassword: false);
}
