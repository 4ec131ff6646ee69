namespace FusionCluster.Grains.Abstractions.Sweeps;

/// <summary>A sweep's entry in the sweep catalog.</summary>
[GenerateSerializer, Immutable, Alias("fc.SweepSummary")]
public sealed record SweepSummary
{
    [Id(0)] public required string Id { get; init; }

    [Id(1)] public string Name { get; init; } = "";

    [Id(2)] public string Schedule { get; init; } = "";

    [Id(3)] public bool Paused { get; init; }

    [Id(4)] public DateTimeOffset? NextFire { get; init; }

    [Id(5)] public int Runs { get; init; }

    [Id(6)] public SweepRunState? LastRunState { get; init; }

    [Id(7)] public string? BestLabel { get; init; }

    [Id(8)] public double? BestObjective { get; init; }

    [Id(9)] public string ObjectiveMetric { get; init; } = "";

    [Id(10)] public DateTimeOffset CreatedAt { get; init; }

    [Id(11)] public int ActiveRun { get; init; }
}
