namespace FusionCluster.Grains.Abstractions;

/// <summary>A progress event pushed to a job's observers.</summary>
[GenerateSerializer, Immutable, Alias("fc.JobEvent")]
public sealed record JobEvent
{
    [Id(0)] public required string JobId { get; init; }

    [Id(1)] public required JobEventKind Kind { get; init; }

    [Id(2)] public required DateTimeOffset At { get; init; }

    [Id(3)] public JobState State { get; init; }

    [Id(4)] public int Unit { get; init; } = -1;

    [Id(5)] public string? Silo { get; init; }

    [Id(6)] public long Bytes { get; init; }

    [Id(7)] public double Seconds { get; init; }

    [Id(8)] public string? Message { get; init; }

    /// <summary>The unit's attempt the event is about (0 when not about an attempt).</summary>
    [Id(9)] public int Attempt { get; init; }

    /// <summary>For <see cref="JobEventKind.UnitRequeued"/>: how the attempt that went back to the queue ended.</summary>
    [Id(10)] public UnitAttemptOutcome Outcome { get; init; }
}
