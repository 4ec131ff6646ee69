namespace FusionCluster.Grains.Jobs;

/// <summary>An active silo that runs work units.</summary>
public sealed record WorkerSilo(string Key, string Name, int Slots);
