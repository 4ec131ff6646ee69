using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Grains.Cluster;

[GenerateSerializer, Alias("fc.ClusterHistoryState")]
public sealed class ClusterHistoryState
{
    [Id(0)] public List<ClusterSample> Samples { get; set; } = [];
}
