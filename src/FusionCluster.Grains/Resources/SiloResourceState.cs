namespace FusionCluster.Grains.Resources;

[GenerateSerializer, Alias("fc.SiloResourceState")]
public sealed class SiloResourceState
{
    /// <summary>By silo name.</summary>
    [Id(0)] public Dictionary<string, SiloResourceTiers> Silos { get; set; } = new(StringComparer.Ordinal);
}
