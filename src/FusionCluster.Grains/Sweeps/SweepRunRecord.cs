using FusionCluster.Grains.Abstractions.Sweeps;

namespace FusionCluster.Grains.Sweeps;

/// <summary>The persisted state of one run; candidates are immutable snapshots replaced as they progress.</summary>
[GenerateSerializer, Alias("fc.SweepRunRecord")]
public sealed class SweepRunRecord
{
    [Id(0)] public int Number { get; set; }

    [Id(1)] public SweepTrigger Trigger { get; set; }

    [Id(2)] public DateTimeOffset? ScheduledFor { get; set; }

    [Id(3)] public int Occurrences { get; set; }

    [Id(4)] public SweepRunState State { get; set; }

    [Id(5)] public DateTimeOffset StartedAt { get; set; }

    [Id(6)] public DateTimeOffset? FinishedAt { get; set; }

    [Id(7)] public string? Error { get; set; }

    [Id(8)] public List<SweepCandidateStatus> Candidates { get; set; } = [];

    /// <summary>Candidate indices, best first (only evaluated ones).</summary>
    [Id(9)] public List<int> Leaderboard { get; set; } = [];

    [Id(10)] public string PromotedTo { get; set; } = "";

    [Id(11)] public string ObjectiveMetric { get; set; } = "";

    [Id(12)] public bool Maximize { get; set; } = true;

    /// <summary>The definition the run started with: an edit while it runs does not change it. Null in runs recorded before edits existed (they use the sweep's).</summary>
    [Id(13)] public SweepDefinition? Definition { get; set; }

    /// <summary>A run of a connect sweep: its candidates are connect points, each published at its <see cref="SweepCandidateStatus.MergeOutput"/>.</summary>
    [Id(14)] public bool Connect { get; set; }

    public bool IsActive => State is SweepRunState.Preparing or SweepRunState.Running;

    public SweepRunSummary Summary()
    {
        var best = Leaderboard.Count > 0 ? Candidates[Leaderboard[0]] : null;
        return new SweepRunSummary
        {
            Number = Number,
            Trigger = Trigger,
            ScheduledFor = ScheduledFor,
            Occurrences = Occurrences,
            State = State,
            StartedAt = StartedAt,
            FinishedAt = FinishedAt,
            Candidates = Candidates.Count,
            Done = Candidates.Count(c => c.State == CandidateState.Done),
            Cached = Candidates.Count(c => c.Cached),
            Failed = Candidates.Count(c => c.State == CandidateState.Failed),
            BestLabel = best?.Label,
            BestObjective = best?.Objective,
            Error = Error,
        };
    }

    public SweepRunDetail Detail() => new()
    {
        Summary = Summary(),
        Candidates = Candidates.ToList(),
        Leaderboard = Leaderboard.ToList(),
        ObjectiveMetric = ObjectiveMetric,
        Maximize = Maximize,
        PromotedTo = PromotedTo,
        Connect = Connect,
    };

    /// <summary>The run a record written from <see cref="Detail"/> describes, numbered <paramref name="number"/>; its definition is not in the record.</summary>
    public static SweepRunRecord FromDetail(int number, SweepRunDetail detail)
    {
        ArgumentNullException.ThrowIfNull(detail);
        var summary = detail.Summary;
        return new SweepRunRecord
        {
            Number = number,
            Trigger = summary.Trigger,
            ScheduledFor = summary.ScheduledFor,
            Occurrences = summary.Occurrences,
            State = summary.State,
            StartedAt = summary.StartedAt,
            FinishedAt = summary.FinishedAt,
            Error = summary.Error,
            Candidates = [.. detail.Candidates],
            Leaderboard = [.. detail.Leaderboard],
            PromotedTo = detail.PromotedTo,
            ObjectiveMetric = detail.ObjectiveMetric,
            Maximize = detail.Maximize,
            Connect = detail.Connect,
        };
    }
}
