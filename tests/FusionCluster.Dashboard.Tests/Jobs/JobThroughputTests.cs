using FusionCluster.Dashboard.Jobs;
using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Dashboard.Tests.Jobs;

public sealed class JobThroughputTests
{
    [Fact]
    public void Rate_is_bytes_between_snapshots_over_the_jobs_own_clock()
    {
        var throughput = new JobThroughput();

        Assert.False(throughput.Record(10, 1_000));
        Assert.True(throughput.Record(12, 5_000));

        var point = Assert.Single(throughput.Points);
        Assert.Equal(2_000, point.BytesPerSecond);
        Assert.Equal("12s", point.Label);
    }

    [Fact]
    public void A_restarted_clock_starts_over()
    {
        var throughput = new JobThroughput();
        throughput.Record(10, 1_000);

        Assert.False(throughput.Record(2, 0));
        Assert.Empty(throughput.Points);
    }

    [Fact]
    public void Kept_samples_draw_the_whole_curve_and_live_snapshots_continue_it()
    {
        var at = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
        var throughput = new JobThroughput();
        throughput.Record(50, 1);

        throughput.Load(
        [
            new JobMetricSample { At = at, ElapsedSeconds = 0, BytesDone = 0 },
            new JobMetricSample { At = at.AddSeconds(1), ElapsedSeconds = 1, BytesDone = 100 },
            new JobMetricSample { At = at.AddSeconds(3), ElapsedSeconds = 3, BytesDone = 500 },
        ]);
        throughput.Record(4, 800);

        // 100 B in the first second, 400 B over the next two, 300 B in the last: the earlier live point is gone.
        Assert.Equal([("1s", 100.0), ("3s", 200.0), ("4s", 300.0)], throughput.Points);
    }
}
