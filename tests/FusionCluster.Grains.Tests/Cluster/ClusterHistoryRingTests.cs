using FusionCluster.Grains.Abstractions;
using FusionCluster.Grains.Cluster;

namespace FusionCluster.Grains.Tests.Cluster;

public sealed class ClusterHistoryRingTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void One_sample_a_minute_is_kept_and_the_oldest_go_beyond_the_capacity()
    {
        var samples = new List<ClusterSample>();

        // Every 20 s for 10 minutes: one a minute is kept (0, 60, ... 600 s), the newest 5 of those 11.
        for (var s = 0; s <= 600; s += 20)
        {
            ClusterHistoryRing.TryAdd(samples, Sample(s), capacity: 5);
        }

        Assert.Equal([360.0, 420, 480, 540, 600], samples.Select(x => (x.At - T0).TotalSeconds));
    }

    [Fact]
    public void Two_dashboards_offering_samples_record_one()
    {
        var samples = new List<ClusterSample>();

        Assert.True(ClusterHistoryRing.TryAdd(samples, Sample(0)));
        Assert.False(ClusterHistoryRing.TryAdd(samples, Sample(1)));
        Assert.True(ClusterHistoryRing.TryAdd(samples, Sample(58)));
        Assert.Equal(2, samples.Count);
    }

    private static ClusterSample Sample(double seconds) => new() { At = T0.AddSeconds(seconds), BytesPerSecond = seconds, UnitsRunning = 1 };
}
