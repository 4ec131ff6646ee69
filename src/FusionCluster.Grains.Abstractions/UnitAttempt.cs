namespace FusionCluster.Grains.Abstractions;

/// <summary>One attempt of one unit: where and when it ran and how it ended, kept with the job for its timeline and errors.</summary>
[GenerateSerializer, Immutable, Alias("fc.UnitAttempt")]
public sealed record UnitAttempt
{
    /// <summary>1 for the first attempt.</summary>
    [Id(0)] public required int Attempt { get; init; }

    [Id(1)] public required string Silo { get; init; }

    [Id(2)] public required DateTimeOffset StartedAt { get; init; }

    /// <summary>Null while the attempt runs.</summary>
    [Id(3)] public DateTimeOffset? EndedAt { get; init; }

    [Id(4)] public UnitAttemptOutcome Outcome { get; init; }

    /// <summary>The error or why the unit was taken back; null when it succeeded or still runs.</summary>
    [Id(5)] public string? Reason { get; init; }
}
