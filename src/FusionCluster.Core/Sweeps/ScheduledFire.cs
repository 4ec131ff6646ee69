namespace FusionCluster.Core.Sweeps;

/// <summary>A schedule firing: the latest occurrence it stands for, and how many occurrences it folds together (1 when none was missed).</summary>
public sealed record ScheduledFire(DateTimeOffset Occurrence, int Occurrences);
