namespace FusionCluster.Grains.Jobs.Scheduling;

/// <summary>What the scheduler needs to know of one planned unit: its name for messages, its input size, and the units it waits for.</summary>
public sealed record ScheduledUnit(string Name, long InputBytes, IReadOnlyList<int> DependsOn);
