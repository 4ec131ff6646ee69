namespace FusionCluster.Grains.Jobs.Scheduling;

/// <summary>A running unit the job has lost: its silo left, or its lease expired.</summary>
public sealed record UnitLoss(int Unit, string Reason);
