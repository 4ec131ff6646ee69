using FusionCluster.Grains.Abstractions.Sweeps;

namespace FusionCluster.Grains.Sweeps;

[GenerateSerializer, Alias("fc.SweepCatalogState")]
public sealed class SweepCatalogState
{
    [Id(0)] public List<SweepSummary> Sweeps { get; set; } = [];
}
