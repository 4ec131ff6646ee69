namespace FusionCluster.Grains.Abstractions;

/// <summary>How much of a job one silo did.</summary>
[GenerateSerializer, Immutable, Alias("fc.SiloShare")]
public sealed record SiloShare([property: Id(0)] string Silo, [property: Id(1)] int UnitsDone, [property: Id(2)] long Bytes, [property: Id(3)] double Seconds, [property: Id(4)] int UnitsRunning);
