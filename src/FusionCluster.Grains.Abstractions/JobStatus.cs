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

    [Id(8)] public string? Output { get; init; }

    [Id(9)] public int UnitsRunning { get; init; }

    [Id(10)] public string JobId { get; init; } = "";

    [Id(11)] public string SpecName { get; init; } = "";

    [Id(12)] public string Method { get; init; } = "";

    [Id(13)] public DateTimeOffset SubmittedAt { get; init; }

    [Id(14)] public int Retries { get; init; }

    [Id(15)] public IReadOnlyList<SiloShare> Silos { get; init; } = [];

    [Id(16)] public long BytesOutput { get; init; }

    /// <summary>The silo hosting the job itself (its coordinator).</summary>
    [Id(17)] public string Coordinator { get; init; } = "";

    /// <summary>The spec the job was submitted with.</summary>
    [Id(18)] public string SpecText { get; init; } = "";

    /// <summary>The device every unit of the job runs on (auto already resolved once the job has started).</summary>
    [Id(19)] public string Device { get; init; } = "";

    /// <summary>A shared-input job's candidates, each with its own outcome; empty for a single merge.</summary>
    [Id(20)] public IReadOnlyList<CandidateStatus> Candidates { get; init; } = [];

    public bool IsFinished => State is JobState.Succeeded or JobState.Failed or JobState.Cancelled;
}
