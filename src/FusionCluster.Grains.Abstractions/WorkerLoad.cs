namespace FusionCluster.Grains.Abstractions;

/// <summary>What a worker silo is doing now.</summary>
[GenerateSerializer, Immutable, Alias("fc.WorkerLoad")]
public sealed record WorkerLoad([property: Id(0)] int Running, [property: Id(1)] int Queued, [property: Id(2)] long Completed, [property: Id(3)] double BytesPerSecond);
