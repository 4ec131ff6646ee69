using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Dashboard.Tests.Fakes;

/// <summary>Jobs, units and silos to fill the fakes with.</summary>
public static class Samples
{
    public static readonly DateTimeOffset Submitted = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    public static JobStatus Running(string jobId, int total, int done = 0, int running = 0) => new()
    {
        JobId = jobId,
        State = JobState.Running,
        SpecName = "ties.yaml",
        Method = "ties",
        SubmittedAt = Submitted,
        UnitsTotal = total,
        UnitsDone = done,
        UnitsRunning = running,
        BytesTotal = total * 1_000_000L,
        BytesDone = done * 1_000_000L,
        ElapsedSeconds = 10,
        Output = "/results/merged",
        Coordinator = "silo-1",
        Silos = done > 0 ? [new SiloShare("silo-1", done, done * 1_000_000L, 1.5, running)] : [],
    };

    public static JobStatus Succeeded(string jobId, int total) => Running(jobId, total, total) with { State = JobState.Succeeded, UnitsRunning = 0 };

    public static List<UnitStatus> Units(int count, int done = 0, int running = 0) =>
        Enumerable.Range(0, count).Select(i => new UnitStatus
        {
            Index = i,
            Name = i == 0 ? "embeddings" : i == count - 1 ? "head" : $"layer {i - 1}",
            State = i < done ? UnitState.Done : i < done + running ? UnitState.Running : UnitState.Pending,
            Attempts = i < done + running ? 1 : 0,
            Silo = i < done + running ? "silo-1" : null,
            InputBytes = 1_000_000,
        }).ToList();

    public static JobSummary Summary(int n, JobState state = JobState.Succeeded, string method = "linear", string user = "alice") => new()
    {
        JobId = $"job-{n:000}",
        SpecName = $"spec-{n}.yaml",
        Method = method,
        Output = $"/results/{n}",
        SubmittedAt = Submitted.AddMinutes(n),
        SubmittedBy = user,
        State = state,
        UnitsTotal = 10,
        UnitsDone = state == JobState.Succeeded ? 10 : 4,
        BytesTotal = 10_000_000L * n,
        ElapsedSeconds = 20,
    };

    public static SiloInfo Silo(string name, double bytesPerSecond = 0) => new()
    {
        Name = name,
        Address = $"127.0.0.1:1111{name[^1]}",
        Role = "worker",
        Device = "cpu",
        MemoryBytes = 16L << 30,
        Cores = 8,
        UnitSlots = 4,
        UnitsRunning = 2,
        UnitsQueued = 1,
        UnitsCompleted = 42,
        BytesPerSecond = bytesPerSecond,
    };

    public static JobEvent Event(string jobId, JobEventKind kind, int unit, string? silo = "silo-1", string? message = null) =>
        new() { JobId = jobId, Kind = kind, At = Submitted, Unit = unit, Silo = silo, Message = message, State = JobState.Running };

    /// <summary>A row of the membership table: active, or dead (gracefully or voted) at <paramref name="leftAt"/>.</summary>
    public static SiloMembership Member(string name, SiloDeparture departure = SiloDeparture.None, DateTimeOffset? leftAt = null, string reason = "") => new()
    {
        Name = name,
        Address = $"127.0.0.1:1111{name[^1]}",
        Status = departure == SiloDeparture.None ? "Active" : "Dead",
        StartedAt = Submitted.AddHours(-1),
        LeftAt = departure == SiloDeparture.None ? null : leftAt ?? Submitted,
        Departure = departure,
        Reason = reason,
    };

    /// <summary>A unit's attempt that ended at <paramref name="endedAt"/> (or still runs).</summary>
    public static UnitAttempt Attempt(int attempt, string silo, UnitAttemptOutcome outcome, DateTimeOffset? endedAt = null, string? reason = null) => new()
    {
        Attempt = attempt,
        Silo = silo,
        StartedAt = Submitted,
        EndedAt = outcome == UnitAttemptOutcome.Running ? null : endedAt ?? Submitted.AddSeconds(attempt),
        Outcome = outcome,
        Reason = reason,
    };
}
