using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Grains.Resources;

/// <summary>One silo's kept samples, in the three resolutions <see cref="ResourceHistory"/> moves them through, each oldest first.</summary>
[GenerateSerializer, Alias("fc.SiloResourceTiers")]
public sealed class SiloResourceTiers
{
    /// <summary>Readings as the silo sent them (every few seconds), the last half hour.</summary>
    [Id(0)] public List<SiloResourceSample> Recent { get; set; } = [];

    /// <summary>One-minute averages, the six hours before.</summary>
    [Id(1)] public List<SiloResourceSample> Minutes { get; set; } = [];

    /// <summary>Ten-minute averages, the rest of the day.</summary>
    [Id(2)] public List<SiloResourceSample> TenMinutes { get; set; } = [];

    public DateTimeOffset? Newest => Recent.Count > 0 ? Recent[^1].At : Minutes.Count > 0 ? Minutes[^1].At : TenMinutes.Count > 0 ? TenMinutes[^1].At : null;

    /// <summary>Every kept sample, oldest first.</summary>
    public IReadOnlyList<SiloResourceSample> All() => [.. TenMinutes, .. Minutes, .. Recent];
}
