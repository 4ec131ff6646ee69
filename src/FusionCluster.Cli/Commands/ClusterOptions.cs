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

    public void AddTo(Command command)
    {
        command.Options.Add(Redis);
        command.Options.Add(ClusterId);
    }

    public Task<ClusterConnection> ConnectAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var redis = parse.GetValue(Redis);
        if (string.IsNullOrWhiteSpace(redis))
        {
            throw new InvalidOperationException("no cluster given: pass --cluster host:port or set FUSION_CLUSTER (deploy/local/cluster env prints it)");
        }

        return ClusterConnection.ConnectAsync(redis, parse.GetValue(ClusterId)!, cancellationToken);
    }
}
