using FusionCluster.Dashboard.Jobs;

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
}
