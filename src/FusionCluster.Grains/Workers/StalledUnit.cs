namespace FusionCluster.Grains.Workers;

/// <summary>A running unit that has made no progress for <paramref name="Silent"/>.</summary>
public sealed record StalledUnit(string Job, int Unit, int Attempt, TimeSpan Silent);
