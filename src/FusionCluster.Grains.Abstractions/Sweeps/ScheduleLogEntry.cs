namespace FusionCluster.Grains.Abstractions.Sweeps;

/// <summary>One schedule fire and what the sweep did with it ("started", "skipped", "queued").</summary>
[GenerateSerializer, Immutable, Alias("fc.ScheduleLogEntry")]
public sealed record ScheduleLogEntry
{
    [Id(0)] public required DateTimeOffset At { get; init; }

    [Id(1)] public required DateTimeOffset Occurrence { get; init; }

    [Id(2)] public int Occurrences { get; init; }

    [Id(3)] public required string Action { get; init; }

    [Id(4)] public int Run { get; init; }
}
