using FusionCluster.Core.Planning;
using FusionCluster.Grains.Abstractions;
using FusionCluster.Grains.Jobs.Scheduling;

namespace FusionCluster.Grains.Jobs.Views;

/// <summary>A job's state as its status, unit list and catalog entry show it.</summary>
public static class JobViews
{
    /// <param name="scheduler">Null until the job has planned.</param>
    public static JobStatus Status(string jobId, MergeJobState state, MergePlan? plan, UnitScheduler? scheduler, double elapsedSeconds, string coordinator)
    {
        var running = scheduler?.Running.Select(i => state.Units[i]).ToList() ?? [];
        var runningBySilo = running.GroupBy(u => u.SiloName!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var tallies = scheduler?.Tallies ?? new SiloTallies();
        var shares = tallies.Silos.Union(runningBySilo.Keys)
            .Order(StringComparer.Ordinal)
            .Select(name =>
            {
                var tally = tallies.Of(name);
                var busy = runningBySilo.GetValueOrDefault(name) ?? [];
                return new SiloShare(name, tally?.UnitsDone ?? 0, (tally?.Bytes ?? 0) + busy.Sum(u => u.BytesDone), tally?.Seconds ?? 0, busy.Count);
            })
            .ToList();
        return new JobStatus
        {
            JobId = jobId,
            State = state.State,
            SpecName = state.Request?.SpecName ?? "",
            Method = plan?.Method ?? "",
            SubmittedAt = state.SubmittedAt,
            UnitsTotal = state.Units.Length,
            UnitsDone = scheduler?.DoneCount ?? 0,
            UnitsRunning = running.Count,
            BytesTotal = plan?.TotalInputBytes ?? 0,
            BytesDone = (scheduler?.DoneBytes ?? 0) + running.Sum(u => u.BytesDone),
            BytesOutput = plan?.Candidates?.Sum(c => c.Plan?.TotalOutputBytes ?? 0) ?? plan?.TotalOutputBytes ?? 0,
            ElapsedSeconds = elapsedSeconds,
            Error = state.Error,
            Warnings = state.Warnings.ToList(),
            // A shared-input job's outputs are its candidates'; it shows the location it was asked for.
            Output = state.Candidates.Count > 0 ? state.Request?.Output : state.OutputLocation ?? state.Request?.Output,
            Retries = state.Retries,
            Silos = shares,
            Coordinator = coordinator,
            SpecText = state.Request?.SpecText ?? "",
            Device = state.Request?.Device ?? "",
            Candidates = CandidateViews.Of(state, plan),
        };
    }

    public static IReadOnlyList<UnitStatus> Units(MergeJobState state, MergePlan? plan)
    {
        var units = new List<UnitStatus>(state.Units.Length);
        var schedule = plan is null ? null : JobSchedule.For(plan, state.Request?.Scoring?.PublishBest is not null);
        var phases = schedule?.PhaseNames();
        for (var i = 0; i < state.Units.Length; i++)
        {
            var unit = state.Units[i];
            var planned = schedule is not null && i < schedule.Units.Count ? schedule.Units[i] : null;
            units.Add(new UnitStatus
            {
                Index = i,
                Name = planned?.Name ?? $"unit {i}",
                Phase = phases is not null && i < phases.Count ? phases[i] : JobSchedule.MergePhase,
                State = unit.State,
                Attempts = unit.Attempt,
                Silo = unit.SiloName,
                InputBytes = planned?.InputBytes ?? 0,
                BytesDone = unit.State == UnitState.Done ? planned?.InputBytes ?? 0 : unit.BytesDone,
                Seconds = unit.Result?.Seconds ?? 0,
                LastError = unit.LastError,
                History = unit.History?.ToArray() ?? [],
            });
        }

        return units;
    }

    public static JobSummary CatalogEntry(string jobId, MergeJobState state, MergePlan? plan, int unitsDone, double elapsedSeconds) => new()
    {
        JobId = jobId,
        SpecName = state.Request?.SpecName ?? "",
        Method = plan?.Method ?? "",
        Output = state.OutputLocation ?? state.Request?.Output ?? "",
        SubmittedAt = state.SubmittedAt,
        SubmittedBy = state.Request?.SubmittedBy ?? "",
        State = state.State,
        UnitsTotal = state.Units.Length,
        UnitsDone = unitsDone,
        BytesTotal = plan?.TotalInputBytes ?? 0,
        FinishedAt = state.FinishedAt,
        Error = state.Error,
        ElapsedSeconds = elapsedSeconds,
    };
}
