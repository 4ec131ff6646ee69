using FusionCluster.Grains.Abstractions.Sweeps;

namespace FusionCluster.Dashboard.Tests.Fakes;

/// <summary>Sweeps, runs and candidates to fill the sweep fake with.</summary>
public static class SweepSamples
{
    public static readonly DateTimeOffset Created = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    public static SweepSummary Summary(string id, DateTimeOffset? created = null) => new()
    {
        Id = id,
        Name = $"{id} sweep",
        Schedule = "0 3 * * * (UTC, overlap: skip)",
        NextFire = Created.AddHours(15),
        Runs = 1,
        LastRunState = SweepRunState.Succeeded,
        BestLabel = "weight=0.7",
        BestObjective = 0.91,
        ObjectiveMetric = "accuracy",
        CreatedAt = created ?? Created,
    };

    public static SweepStatus Status(string id, int runs = 1) => new()
    {
        Id = id,
        Exists = true,
        Name = $"{id} sweep",
        Schedule = "0 3 * * * (UTC, overlap: skip)",
        NextFire = Created.AddHours(15),
        Output = "/results/sweeps/" + id,
        ObjectiveMetric = "accuracy",
        Maximize = true,
        Points = 4,
        MaxConcurrent = 2,
        CreatedAt = Created,
        SpecName = "sweep.yaml",
        Runs = Enumerable.Range(1, runs).Reverse().Select(n => RunSummary(n)).ToList(),
        ScheduleLog = [new ScheduleLogEntry { At = Created.AddHours(3), Occurrence = Created.AddHours(3), Occurrences = 1, Action = "started", Run = 1 }],
    };

    public static SweepRunSummary RunSummary(int number) => new()
    {
        Number = number,
        Trigger = SweepTrigger.Schedule,
        State = SweepRunState.Succeeded,
        StartedAt = Created.AddHours(number),
        FinishedAt = Created.AddHours(number).AddMinutes(10),
        Candidates = 4,
        Done = 3,
        Failed = 1,
        BestLabel = "weight=0.7 method=ties",
        BestObjective = 0.91,
    };

    /// <summary>Four points over weight × method; one failed; accuracies 0.80, 0.91, 0.85 and none.</summary>
    public static SweepRunDetail Run(int number, bool maximize = true) => new()
    {
        Summary = RunSummary(number),
        ObjectiveMetric = "accuracy",
        Maximize = maximize,
        PromotedTo = "/results/sweeps/best",
        Candidates =
        [
            Candidate(0, "weight=0.3 method=ties", 0.80),
            Candidate(1, "weight=0.7 method=ties", 0.91),
            Candidate(2, "weight=0.3 method=dare", 0.85),
            Candidate(3, "weight=0.7 method=dare", null) with { State = CandidateState.Failed, Error = "evaluation timed out" },
        ],
    };

    public static SweepCandidateStatus Candidate(int index, string label, double? objective) => new()
    {
        Index = index,
        Label = label,
        State = CandidateState.Done,
        Objective = objective,
        Metrics = objective is { } value ? new Dictionary<string, double> { ["accuracy"] = value, ["loss"] = 1 - value } : new Dictionary<string, double>(),
        EvaluatedOn = "silo-1",
        JobId = $"job-{index}",
    };
}
