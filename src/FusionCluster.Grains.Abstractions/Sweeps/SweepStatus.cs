namespace FusionCluster.Grains.Abstractions.Sweeps;

/// <summary>A sweep as fusion sweep show and the dashboard see it.</summary>
[GenerateSerializer, Immutable, Alias("fc.SweepStatus")]
public sealed record SweepStatus
{
    [Id(0)] public required string Id { get; init; }

    /// <summary>False when no sweep has this id (never created, or deleted).</summary>
    [Id(1)] public bool Exists { get; init; }

    /// <summary>Why a create failed (naming the key and line), else null.</summary>
    [Id(2)] public string? Error { get; init; }

    [Id(3)] public string Name { get; init; } = "";

    [Id(4)] public bool Paused { get; init; }

    /// <summary>"0 3 * * * (UTC, overlap: skip)", or empty when the sweep runs only on request.</summary>
    [Id(5)] public string Schedule { get; init; } = "";

    [Id(6)] public DateTimeOffset? NextFire { get; init; }

    [Id(7)] public string Output { get; init; } = "";

    [Id(8)] public string ObjectiveMetric { get; init; } = "";

    [Id(9)] public bool Maximize { get; init; } = true;

    [Id(10)] public int Points { get; init; }

    [Id(11)] public int MaxConcurrent { get; init; }

    /// <summary>The run in progress, or 0.</summary>
    [Id(12)] public int ActiveRun { get; init; }

    [Id(13)] public bool RunQueued { get; init; }

    /// <summary>Newest first.</summary>
    [Id(14)] public IReadOnlyList<SweepRunSummary> Runs { get; init; } = [];

    /// <summary>Newest first.</summary>
    [Id(15)] public IReadOnlyList<ScheduleLogEntry> ScheduleLog { get; init; } = [];

    /// <summary>When the schedule was last checked (a reminder tick).</summary>
    [Id(16)] public DateTimeOffset? LastTick { get; init; }

    [Id(17)] public DateTimeOffset CreatedAt { get; init; }

    [Id(18)] public string SpecName { get; init; } = "";

    /// <summary>The sweep.yaml in force (what an edit starts from).</summary>
    [Id(19)] public string SpecText { get; init; } = "";

    /// <summary>The folder relative paths in <see cref="SpecText"/> start from.</summary>
    [Id(20)] public string SpecDirectory { get; init; } = "";

    /// <summary>Changes of the definition, newest first.</summary>
    [Id(21)] public IReadOnlyList<SweepRevision> Revisions { get; init; } = [];
}
