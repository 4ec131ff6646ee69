namespace FusionCluster.Grains.Abstractions.Sweeps;

/// <summary>One run of a sweep in the history.</summary>
[GenerateSerializer, Immutable, Alias("fc.SweepRunSummary")]
public sealed record SweepRunSummary
{
    [Id(0)] public required int Number { get; init; }

    [Id(1)] public SweepTrigger Trigger { get; init; }

    /// <summary>For scheduled runs: the (latest) occurrence the run stands for.</summary>
    [Id(2)] public DateTimeOffset? ScheduledFor { get; init; }

    /// <summary>Schedule occurrences this run stands for: 1, or more when fires were missed (cluster down) or queued.</summary>
    [Id(3)] public int Occurrences { get; init; }

    [Id(4)] public SweepRunState State { get; init; }

    [Id(5)] public DateTimeOffset StartedAt { get; init; }

    [Id(6)] public DateTimeOffset? FinishedAt { get; init; }

    [Id(7)] public int Candidates { get; init; }

    [Id(8)] public int Done { get; init; }

    [Id(9)] public int Cached { get; init; }

    [Id(10)] public int Failed { get; init; }

    [Id(11)] public string? BestLabel { get; init; }

    [Id(12)] public double? BestObjective { get; init; }

    [Id(13)] public string? Error { get; init; }
}
