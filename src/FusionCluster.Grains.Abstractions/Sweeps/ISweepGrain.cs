namespace FusionCluster.Grains.Abstractions.Sweeps;

/// <summary>
/// One sweep, keyed by sweep id: a merge spec template, a parameter space, an optional cron schedule,
/// an evaluator and an objective. A run merges every point through merge jobs (a bounded number at once),
/// reuses merges already made from the same spec and inputs, evaluates each result on a worker silo,
/// ranks them and promotes the best. State is persisted and a reminder drives the schedule, so runs and
/// fire times survive restarts.
/// </summary>
[Alias("fc.ISweepGrain")]
public interface ISweepGrain : IGrainWithStringKey
{
    /// <summary>Validates and stores the sweep; <see cref="SweepStatus.Error"/> says why not (the key and line).</summary>
    [Alias("Create")]
    [ResponseTimeout("00:02:00")]
    Task<SweepStatus> Create(SweepDefinition definition);

    /// <summary>Asks for a run now; with a run going, the schedule's overlap policy decides (skip refuses, queue waits).</summary>
    [Alias("Run")]
    Task<SweepRunRequestResult> Run();

    [Alias("GetStatus")]
    Task<SweepStatus> GetStatus();

    /// <summary>One run with its candidates and leaderboard; 0 for the newest. Null when there is no such run.</summary>
    [Alias("GetRun")]
    Task<SweepRunDetail?> GetRun(int number);

    /// <summary>No scheduled runs and no new merges until <see cref="Resume"/>; merges in flight finish.</summary>
    [Alias("Pause")]
    Task<SweepStatus> Pause();

    /// <summary>Continues a paused run; the schedule's next fire is counted from now (paused time is not caught up).</summary>
    [Alias("Resume")]
    Task<SweepStatus> Resume();

    /// <summary>
    /// Replaces the schedule (no cron: no schedule); the next fire is counted from now. An invalid
    /// schedule changes nothing and comes back as <see cref="SweepStatus.Error"/>.
    /// </summary>
    [Alias("SetSchedule")]
    Task<SweepStatus> SetSchedule(string? cron, string? timeZone, bool queueOverlaps);

    /// <summary>
    /// Replaces the definition (template, space, evaluator, ... : the whole sweep.yaml), validated as
    /// <see cref="Create"/> validates; a run in progress finishes with the definition it started with.
    /// The change is recorded in <see cref="SweepStatus.Revisions"/>. An invalid definition changes nothing
    /// and comes back as <see cref="SweepStatus.Error"/>.
    /// </summary>
    [Alias("Edit")]
    [ResponseTimeout("00:02:00")]
    Task<SweepStatus> Edit(SweepDefinition definition);

    /// <summary>
    /// Cancels run <paramref name="number"/> (0: the run going now) while it goes: its merge jobs are cancelled, its
    /// unfinished points stay pending (not run), nothing is promoted, and its record joins the output's history; merges it
    /// published stay for the next run to reuse. A run whose finish (ranking, promotion) has begun ends as it would have.
    /// Returns the run as it ended (<see cref="SweepRunSummary.State"/> says whether the cancel came in time), or null
    /// when the sweep has no such run.
    /// </summary>
    [Alias("CancelRun")]
    [ResponseTimeout("00:05:00")]
    Task<SweepRunDetail?> CancelRun(int number);

    /// <summary>Cancels its merges, stops its schedule and forgets it; its output folder stays.</summary>
    [Alias("Delete")]
    [ResponseTimeout("00:05:00")]
    Task Delete();
}
