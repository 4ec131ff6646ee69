namespace FusionCluster.Grains.Abstractions;

/// <summary>One silo's share of a <see cref="ClusterSample"/>.</summary>
[GenerateSerializer, Immutable, Alias("fc.SiloSample")]
public sealed record SiloSample([property: Id(0)] string Silo, [property: Id(1)] double BytesPerSecond, [property: Id(2)] int UnitsRunning);
