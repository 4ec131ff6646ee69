using System.Text.RegularExpressions;

namespace FusionCluster.Client;

/// <summary>
/// Where a client finds a cluster: the Redis membership table of a real cluster, or the gateway port of
/// an embedded silo on this machine (what `fusion dashboard` starts).
/// </summary>
public sealed partial record ClusterEndpoint
{
    private ClusterEndpoint(string? redis, int? gatewayPort, string clusterId, string serviceId)
    {
        Redis = redis;
        GatewayPort = gatewayPort;
        ClusterId = clusterId;
        ServiceId = FusionServiceIds.IsValid(serviceId) ? serviceId : throw new ArgumentException($"service id '{serviceId}': {FusionServiceIds.Rule}", nameof(serviceId));
    }

    /// <summary>A Redis connection string (host:port, possibly with a password), or null for a loopback gateway.</summary>
    public string? Redis { get; }

    /// <summary>The loopback gateway port of an embedded silo, or null for a Redis-clustered cluster.</summary>
    public int? GatewayPort { get; }

    public string ClusterId { get; }

    /// <summary>The Orleans service id: the prefix of the cluster's grain state and reminders in Redis (a release's own when several share one Redis).</summary>
    public string ServiceId { get; }

    public static ClusterEndpoint ThroughRedis(string redis, string clusterId = FusionClusterIdentity.DefaultClusterId, string serviceId = FusionClusterIdentity.ServiceId) =>
        new(string.IsNullOrWhiteSpace(redis) ? throw new ArgumentException("a Redis address (host:port) is required", nameof(redis)) : redis, null, clusterId, serviceId);

    public static ClusterEndpoint LoopbackGateway(int port, string clusterId = FusionClusterIdentity.DefaultClusterId) =>
        new(null, port is > 0 and < 65536 ? port : throw new ArgumentOutOfRangeException(nameof(port), port, "a TCP port"), clusterId, FusionClusterIdentity.ServiceId);

    /// <summary>For logs: host and port only, since a Redis connection string may carry a password.</summary>
    public string Describe() => Redis is not null
        ? $"cluster {ClusterId} through Redis {Redacted(Redis)}"
        : $"the embedded silo's gateway on 127.0.0.1:{GatewayPort}";

    /// <summary>
    /// A Redis connection string fit to print or log: without its password, also when it does not parse (an option
    /// misspelled beside the password must not put the password into an error line or a pod's log).
    /// </summary>
    public static string Redacted(string redis)
    {
        try
        {
            return StackExchange.Redis.ConfigurationOptions.Parse(redis).ToString(includePassword: false);
        }
        catch (ArgumentException)
        {
            return PasswordOption().Replace(redis, "${key}=***");
        }
    }

    // StackExchange.Redis reads "password" whatever its case, up to the next comma.
    [GeneratedRegex(@"(?<key>password)\s*=[^,]*", RegexOptions.IgnoreCase)]
    private static partial Regex PasswordOption();
}
