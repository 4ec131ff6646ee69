namespace FusionCluster.Grains.Jobs.Scheduling;

/// <summary>An attempt of a unit the scheduler has just assigned to a silo; the caller sends it there.</summary>
public sealed record UnitLaunch(int Unit, int Attempt, WorkerSilo Silo);
