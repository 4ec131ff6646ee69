namespace FusionCluster.Grains.Abstractions;

/// <summary>A snapshot of a job for progress displays.</summary>
[GenerateSerializer, Immutable, Alias("fc.JobStatus")]
public sealed record JobStatus
{
    [Id(0)] public JobState State { get; init; }

    [Id(1)] public int UnitsTotal { get; init; }

    [Id(2)] public int UnitsDone { get; init; }

    [Id(3)] public long BytesTotal { get; init; }

    [Id(4)] public long BytesDone { get; init; }

    [Id(5)] public double ElapsedSeconds { get; init; }

    [Id(6)] public string? Error { get; init; }

    [Id(7)] public IReadOnlyList<string> Warnings { get; init; } = [];

    [Id(8)] public string? OutputDirectory { get; init; }

    [Id(9)] public int UnitsRunning { get; init; }

    public bool IsFinished => State is JobState.Succeeded or JobState.Failed or JobState.Cancelled;
}
