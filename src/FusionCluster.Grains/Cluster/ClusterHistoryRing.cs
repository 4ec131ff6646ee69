using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Grains.Cluster;

/// <summary>
/// The rule of the cluster's history: at most one sample per <see cref="Spacing"/>, the newest
/// <see cref="Capacity"/> kept (24 hours at one a minute), samples older than the newest ignored.
/// </summary>
public static class ClusterHistoryRing
{
    public const int Capacity = 1440;

    public static readonly TimeSpan Spacing = TimeSpan.FromMinutes(1);

    /// <returns>True when the sample was kept.</returns>
    public static bool TryAdd(List<ClusterSample> samples, ClusterSample sample, int capacity = Capacity)
    {
        // A little slack: two dashboards polling every 2 s each offer a sample about a minute after the last.
        if (samples.Count > 0 && sample.At - samples[^1].At < Spacing - TimeSpan.FromSeconds(5))
        {
            return false;
        }

        samples.Add(sample);
        if (samples.Count > capacity)
        {
            samples.RemoveRange(0, samples.Count - capacity);
        }

        return true;
    }
}
