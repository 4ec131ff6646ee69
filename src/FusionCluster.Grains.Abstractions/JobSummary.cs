namespace FusionCluster.Grains.Abstractions;

/// <summary>A job's entry in the job catalog.</summary>
[GenerateSerializer, Immutable, Alias("fc.JobSummary")]
public sealed record JobSummary
{
    [Id(0)] public required string JobId { get; init; }

    [Id(1)] public required string SpecName { get; init; }

    [Id(2)] public string Method { get; init; } = "";

    [Id(3)] public string Output { get; init; } = "";

    [Id(4)] public DateTimeOffset SubmittedAt { get; init; }

    [Id(5)] public string SubmittedBy { get; init; } = "";

    [Id(6)] public JobState State { get; init; }

    [Id(7)] public int UnitsTotal { get; init; }

    [Id(8)] public int UnitsDone { get; init; }

    [Id(9)] public long BytesTotal { get; init; }

    [Id(10)] public DateTimeOffset? FinishedAt { get; init; }

    [Id(11)] public string? Error { get; init; }

    [Id(12)] public double ElapsedSeconds { get; init; }
}
