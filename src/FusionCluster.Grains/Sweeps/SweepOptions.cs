namespace FusionCluster.Grains.Sweeps;

/// <summary>How sweeps check their schedules and drive their runs (configuration section Fusion:Sweeps).</summary>
public sealed class SweepOptions
{
    /// <summary>Period of the schedule reminder. Orleans allows no less than its MinimumReminderPeriod (1 minute by default).</summary>
    public TimeSpan TickPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>When the first tick of a newly registered reminder comes.</summary>
    public TimeSpan FirstTickDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How often a running sweep checks its merges and evaluations. The end of a merge job or an evaluation steps the run
    /// at once (and a prepared run launches at once), so the check only catches what those miss: a run resumed after a
    /// restart, a wait for a job that a silo failure cut short.
    /// </summary>
    public TimeSpan PumpInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Tries to evaluate one merge when silos fail under it (errors of the model or command are not retried).</summary>
    public int MaxEvaluationAttempts { get; set; } = 3;

    /// <summary>Largest output shard of a sweep's merges.</summary>
    public long ShardSizeBytes { get; set; } = 5_000_000_000;

    /// <summary>Schedule log entries kept.</summary>
    public int ScheduleLogLength { get; set; } = 100;
}
