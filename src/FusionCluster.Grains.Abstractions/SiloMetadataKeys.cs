namespace FusionCluster.Grains.Abstractions;

/// <summary>Silo metadata a silo publishes at start, read by placement and by the dashboard.</summary>
public static class SiloMetadataKeys
{
    /// <summary>"worker" (runs work units) or "coordinator" (jobs, sweeps and clients only).</summary>
    public const string Role = "fusion.role";

    /// <summary>"cpu" or "cuda".</summary>
    public const string Device = "fusion.device";

    /// <summary>Memory the silo may use for work units, in bytes.</summary>
    public const string MemoryBytes = "fusion.memory-bytes";

    /// <summary>Logical processors of the host.</summary>
    public const string Cores = "fusion.cores";

    /// <summary>How many work units the silo runs at once.</summary>
    public const string UnitSlots = "fusion.unit-slots";

    public const string WorkerRole = "worker";

    public const string CoordinatorRole = "coordinator";
}
