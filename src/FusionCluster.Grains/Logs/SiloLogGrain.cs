using FusionCluster.Grains.Abstractions;
using FusionCluster.Grains.Placement;

namespace FusionCluster.Grains.Logs;

/// <summary>Serves this silo's <see cref="SiloLogRing"/>; pinned to the silo its key names, like the worker grain.</summary>
[SiloPinnedPlacement]
public sealed class SiloLogGrain(SiloLogRing ring) : Grain, ISiloLogGrain
{
    /// <summary>The most lines one call returns.</summary>
    public const int MaxLines = 1000;

    public Task<IReadOnlyList<SiloLogLine>> GetRecent(int max) => Task.FromResult(ring.Recent(Math.Clamp(max, 0, MaxLines)));
}
