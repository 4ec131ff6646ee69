using FusionCluster.Grains.Abstractions.Sweeps;

namespace FusionCluster.Grains.Sweeps;

/// <summary>Everything a sweep remembers across restarts: its definition, schedule position, runs and schedule log.</summary>
[GenerateSerializer, Alias("fc.SweepGrainState")]
public sealed class SweepGrainState
{
    [Id(0)] public SweepDefinition? Definition { get; set; }

    [Id(1)] public DateTimeOffset CreatedAt { get; set; }

    [Id(2)] public bool Paused { get; set; }

    /// <summary>The next schedule occurrence not yet acted on (null: no schedule, or no further occurrence).</summary>
    [Id(3)] public DateTimeOffset? NextDue { get; set; }

    /// <summary>A run waiting for the current one to end (overlap: queue): its trigger, occurrence and folded count.</summary>
    [Id(4)] public SweepTrigger? QueuedTrigger { get; set; }

    [Id(5)] public DateTimeOffset? QueuedOccurrence { get; set; }

    [Id(6)] public int QueuedOccurrences { get; set; }

    [Id(7)] public DateTimeOffset? LastTick { get; set; }

    [Id(8)] public int LastRunNumber { get; set; }

    /// <summary>The kept runs, oldest first, plus the active one.</summary>
    [Id(9)] public List<SweepRunRecord> Runs { get; set; } = [];

    /// <summary>Newest last.</summary>
    [Id(10)] public List<ScheduleLogEntry> ScheduleLog { get; set; } = [];

    /// <summary>Cache key of the merge now in &lt;out&gt;/best.</summary>
    [Id(11)] public string? PromotedKey { get; set; }

    /// <summary>Edits of the definition, newest last (the last <see cref="SweepRevisions.Kept"/>).</summary>
    [Id(12)] public List<SweepRevision> Revisions { get; set; } = [];
}
