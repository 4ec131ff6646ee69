namespace FusionCluster.Core.Sweeps;

/// <summary>What a sweep remembers about its schedule between ticks (persisted with the sweep).</summary>
/// <param name="NextDue">The next occurrence not yet acted on; null when the cron has no further occurrence.</param>
/// <param name="Queued">A fire waiting for the current run to end (overlap: queue).</param>
public sealed record ScheduleState(DateTimeOffset? NextDue, ScheduledFire? Queued);
