using FusionCluster.Core.Sweeps;
using FusionCluster.Grains.Abstractions.Sweeps;

namespace FusionCluster.Grains.Sweeps.Views;

/// <summary>A sweep's state as its status and its catalog entry show it.</summary>
public static class SweepViews
{
    /// <param name="spec">The parsed definition; null when there is none or it no longer parses.</param>
    public static SweepStatus Status(string sweepId, SweepGrainState state, SweepSpec? spec) => new()
    {
        Id = sweepId,
        Exists = state.Definition is not null,
        Name = spec?.Name ?? "",
        SpecName = state.Definition?.SpecName ?? "",
        Paused = state.Paused,
        Schedule = spec?.Schedule?.ToString() ?? "",
        NextFire = spec?.Schedule is null || state.Paused ? null : state.NextDue,
        Output = spec?.Output ?? "",
        ObjectiveMetric = spec?.Objective.Metric ?? "",
        Maximize = spec?.Objective.Direction != ObjectiveDirection.Minimize,
        Points = spec?.Points.Count ?? 0,
        MaxConcurrent = spec?.MaxConcurrent ?? 0,
        ActiveRun = ActiveRun(state)?.Number ?? 0,
        RunQueued = state.QueuedTrigger is not null,
        Runs = state.Runs.Select(r => r.Summary()).Reverse().ToList(),
        ScheduleLog = Enumerable.Reverse(state.ScheduleLog).ToList(),
        LastTick = state.LastTick,
        CreatedAt = state.CreatedAt,
        SpecText = state.Definition?.SpecText ?? "",
        SpecDirectory = state.Definition?.SpecDirectory ?? "",
        Revisions = Enumerable.Reverse(state.Revisions).ToList(),
    };

    public static SweepSummary CatalogEntry(string sweepId, SweepGrainState state, SweepSpec? spec)
    {
        var status = Status(sweepId, state, spec);
        var last = state.Runs.LastOrDefault(r => !r.IsActive)?.Summary();
        // A cancelled run's leaders are partial and were not promoted: the sweep's best is the last completed run's.
        var completed = state.Runs.LastOrDefault(r => r.State is SweepRunState.Succeeded or SweepRunState.Failed)?.Summary();
        return new SweepSummary
        {
            Id = sweepId,
            Name = status.Name,
            Schedule = status.Schedule,
            Paused = status.Paused,
            NextFire = status.NextFire,
            Runs = state.LastRunNumber,
            LastRunState = last?.State,
            BestLabel = completed?.BestLabel,
            BestObjective = completed?.BestObjective,
            ObjectiveMetric = status.ObjectiveMetric,
            CreatedAt = state.CreatedAt,
            ActiveRun = status.ActiveRun,
        };
    }

    /// <summary>The run going now, if any (the newest active one).</summary>
    public static SweepRunRecord? ActiveRun(SweepGrainState state) => state.Runs.LastOrDefault(r => r.IsActive);
}
