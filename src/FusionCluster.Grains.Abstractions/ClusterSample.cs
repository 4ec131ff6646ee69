namespace FusionCluster.Grains.Abstractions;

/// <summary>The cluster at one moment, for its history over hours: throughput and units in flight, in total and per silo.</summary>
[GenerateSerializer, Immutable, Alias("fc.ClusterSample")]
public sealed record ClusterSample
{
    [Id(0)] public required DateTimeOffset At { get; init; }

    /// <summary>Input bytes per second over all silos (each silo's last minute).</summary>
    [Id(1)] public double BytesPerSecond { get; init; }

    [Id(2)] public int UnitsRunning { get; init; }

    [Id(3)] public IReadOnlyList<SiloSample> Silos { get; init; } = [];
}
