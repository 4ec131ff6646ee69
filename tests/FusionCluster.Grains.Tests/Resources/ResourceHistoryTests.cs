using FusionCluster.Grains.Abstractions;
using FusionCluster.Grains.Resources;

namespace FusionCluster.Grains.Tests.Resources;

public sealed class ResourceHistoryTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Readings_of_the_last_half_hour_are_kept_as_sent()
    {
        var tiers = new SiloResourceTiers();
        var sent = Enumerable.Range(0, 121).Select(i => Sample(i * 10, cpu: i % 100, memory: i)).ToList();

        sent.ForEach(s => ResourceHistory.Add(tiers, s));

        Assert.Equal(sent, tiers.All());
    }

    [Fact]
    public void Older_readings_become_minute_averages_that_keep_the_peak_memory()
    {
        var tiers = new SiloResourceTiers();

        // Every 10 s for 40 minutes (0..2400 s), CPU 10 and 30 in turn, memory rising by 1000 a reading.
        for (var i = 0; i <= 240; i++)
        {
            ResourceHistory.Add(tiers, Sample(i * 10, cpu: i % 2 == 0 ? 10 : 30, memory: i * 1000L));
        }

        // The last half hour (600..2400 s) as sent; before it (0..590 s) ten minutes of six readings each:
        // three of 10 % and three of 30 % average 20 %; the peak is each minute's last reading, (6m + 5) * 1000.
        Assert.Equal(181, tiers.Recent.Count);
        Assert.Equal(600, (tiers.Recent[0].At - T0).TotalSeconds);
        Assert.Equal(Enumerable.Range(0, 10).Select(m => m * 60.0), tiers.Minutes.Select(s => (s.At - T0).TotalSeconds));
        Assert.All(tiers.Minutes, s => Assert.Equal((20.0, 6), (Math.Round(s.CpuPercent, 9), s.Readings)));
        Assert.Equal(Enumerable.Range(0, 10).Select(m => ((6L * m) + 5) * 1000), tiers.Minutes.Select(s => s.WorkingSetBytes));
    }

    [Fact]
    public void A_day_and_more_of_readings_every_second_stays_bounded_and_in_order()
    {
        var tiers = new SiloResourceTiers();
        var seconds = (int)TimeSpan.FromHours(26).TotalSeconds;

        for (var s = 0; s <= seconds; s++)
        {
            ResourceHistory.Add(tiers, Sample(s, cpu: 50, memory: 7, gpu: s % 2 == 0 ? 100 : null));
        }

        var all = tiers.All();
        Assert.InRange(all.Count, 1, ResourceHistory.RecentCapacity + ResourceHistory.MinutesCapacity + ResourceHistory.TenMinutesCapacity);
        Assert.True(all[0].At >= T0.AddSeconds(seconds) - ResourceHistory.Retention, $"oldest kept at {all[0].At}");
        Assert.All(all.Zip(all.Skip(1)), pair => Assert.True(pair.First.At < pair.Second.At));
        // Averages of equal readings are the reading; the GPU's memory reported every other second is still there.
        Assert.All(all, s => Assert.Equal((50.0, 7L), (s.CpuPercent, s.WorkingSetBytes)));
        Assert.All(tiers.TenMinutes, s => Assert.Equal(100, s.GpuMemoryBytes));
        // Every reading is counted once: 600 a full ten-minute sample, 60 a full minute's (the newest of each tier
        // is still filling; the oldest ten-minute one lost its start to the retention).
        Assert.All(tiers.TenMinutes.Skip(1).SkipLast(1), s => Assert.Equal(600, s.Readings));
        Assert.All(tiers.Minutes.SkipLast(1), s => Assert.Equal(60, s.Readings));
    }

    [Fact]
    public void A_reading_not_newer_than_the_last_is_ignored()
    {
        var tiers = new SiloResourceTiers();

        Assert.True(ResourceHistory.Add(tiers, Sample(10, cpu: 1, memory: 1)));
        Assert.False(ResourceHistory.Add(tiers, Sample(10, cpu: 2, memory: 2)));
        Assert.False(ResourceHistory.Add(tiers, Sample(5, cpu: 3, memory: 3)));

        Assert.Equal(1, Assert.Single(tiers.All()).CpuPercent);
    }

    [Fact]
    public void Silos_silent_for_a_day_are_forgotten()
    {
        var state = new SiloResourceState();
        ResourceHistory.Add(state.Silos["gone"] = new SiloResourceTiers(), Sample(0, cpu: 1, memory: 1));
        ResourceHistory.Add(state.Silos["here"] = new SiloResourceTiers(), Sample(3600 * 24, cpu: 1, memory: 1));

        ResourceHistory.Forget(state, T0.AddHours(24).AddSeconds(1));

        Assert.Equal(["here"], state.Silos.Keys);
    }

    private static SiloResourceSample Sample(int seconds, double cpu, long memory, long? gpu = null) =>
        new() { At = T0.AddSeconds(seconds), CpuPercent = cpu, WorkingSetBytes = memory, GpuMemoryBytes = gpu, GpuUtilizationPercent = gpu is null ? null : 40 };
}
