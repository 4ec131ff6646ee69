namespace FusionCluster.Grains.Jobs;

/// <summary>An active silo that runs work units.</summary>
/// <param name="Device">What the silo published as its device: cpu, or cuda when it can also run CUDA units.</param>
public sealed record WorkerSilo(string Key, string Name, int Slots, string Device = "cpu");
