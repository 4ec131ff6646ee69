using FusionCluster.Core.Methods;
using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Grains;

/// <summary>What a silo offers for work units; published as silo metadata so that jobs can place units.</summary>
public sealed record WorkerProfile
{
    public string Role { get; init; } = SiloMetadataKeys.WorkerRole;

    public string Device { get; init; } = MergeDevices.Cpu;

    public long MemoryBytes { get; init; } = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;

    public int Cores { get; init; } = Environment.ProcessorCount;

    public int UnitSlots { get; init; } = Environment.ProcessorCount;

    public bool IsWorker => Role == SiloMetadataKeys.WorkerRole;

    public Dictionary<string, string> ToMetadata() => new()
    {
        [SiloMetadataKeys.Role] = Role,
        [SiloMetadataKeys.Device] = Device,
        [SiloMetadataKeys.MemoryBytes] = MemoryBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
        [SiloMetadataKeys.Cores] = Cores.ToString(System.Globalization.CultureInfo.InvariantCulture),
        [SiloMetadataKeys.UnitSlots] = UnitSlots.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
