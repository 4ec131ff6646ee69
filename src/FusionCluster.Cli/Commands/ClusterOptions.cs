using System.CommandLine;
using FusionCluster.Client;

namespace FusionCluster.Cli.Commands;

/// <summary>The options every cluster command shares, and the connection they open.</summary>
public sealed class ClusterOptions
{
    public Option<string?> Redis { get; } = new("--cluster")
    {
        Description = "the cluster's Redis (host:port); default: $FUSION_CLUSTER",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("FUSION_CLUSTER"),
    };

    public Option<string> ClusterId { get; } = new("--cluster-id")
    {
        Description = "Orleans cluster id",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("FUSION_CLUSTER_ID") is { Length: > 0 } id ? id : FusionClusterIdentity.DefaultClusterId,
    };

    public Option<string> ServiceId { get; } = new("--service-id")
    {
        Description = "Orleans service id of the cluster (a Helm release's name when several share one Redis)",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("FUSION_SERVICE_ID") is { Length: > 0 } id ? id : FusionClusterIdentity.ServiceId,
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Redis);
        command.Options.Add(ClusterId);
        command.Options.Add(ServiceId);
    }

    public Task<ClusterConnection> ConnectAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var redis = parse.GetValue(Redis);
        if (string.IsNullOrWhiteSpace(redis))
        {
            throw new InvalidOperationException("no cluster given: pass --cluster host:port or set FUSION_CLUSTER (deploy/local/cluster env prints it)");
        }

        var serviceId = parse.GetValue(ServiceId)!;
        if (!FusionServiceIds.IsValid(serviceId))
        {
            throw new InvalidOperationException($"--service-id '{serviceId}': {FusionServiceIds.Rule}");
        }

        return ClusterConnection.ConnectAsync(ClusterEndpoint.ThroughRedis(redis, parse.GetValue(ClusterId)!, serviceId), cancellationToken);
    }
}
