namespace FusionCluster.Grains.Abstractions;

/// <summary>A worker's heartbeat for one running unit: it is alive, and has consumed this many input bytes.</summary>
[GenerateSerializer, Immutable, Alias("fc.UnitLease")]
public sealed record UnitLease([property: Id(0)] int Unit, [property: Id(1)] int Attempt, [property: Id(2)] long BytesDone);
