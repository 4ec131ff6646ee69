namespace FusionCluster.Core.Sweeps;

/// <summary>What one schedule check decided, and the schedule state to keep.</summary>
public sealed record TickOutcome(TickAction Action, ScheduledFire? Fire, ScheduleState State);
