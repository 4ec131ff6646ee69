using FusionCluster.Grains.Abstractions;
using FusionCluster.Grains.Jobs.Metrics;

namespace FusionCluster.Grains.Tests.Jobs.Metrics;

public sealed class JobMetricHistoryTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_long_job_keeps_at_most_the_capacity_from_its_first_to_its_newest_sample()
    {
        var samples = new List<JobMetricSample>();
        var history = new JobMetricHistory(samples, TimeSpan.FromSeconds(1), capacity: 10);

        for (var s = 0; s <= 100; s++)
        {
            history.Add(Sample(s));
        }

        Assert.InRange(samples.Count, 5, 10);
        Assert.Equal(0, samples[0].ElapsedSeconds);
        Assert.Equal(100, samples[^1].ElapsedSeconds);
        Assert.All(samples.Zip(samples.Skip(1)), pair => Assert.True(pair.Second.ElapsedSeconds > pair.First.ElapsedSeconds));
        // 101 one-second samples into 10 places: thinned four times, to one sample every 16 s.
        Assert.Equal(TimeSpan.FromSeconds(16), history.Spacing);
        Assert.All(samples.SkipLast(1).Zip(samples.Skip(1).SkipLast(1)), pair => Assert.True(pair.Second.ElapsedSeconds - pair.First.ElapsedSeconds >= 8));
    }

    [Fact]
    public void Thinning_keeps_every_other_sample_and_the_newest()
    {
        var samples = new List<JobMetricSample>();
        var history = new JobMetricHistory(samples, TimeSpan.FromSeconds(1), capacity: 4);

        for (var s = 0; s <= 4; s++)
        {
            history.Add(Sample(s));
        }

        Assert.Equal([0.0, 2, 4], samples.Select(x => x.ElapsedSeconds));
        Assert.Equal(TimeSpan.FromSeconds(2), history.Spacing);
    }

    [Fact]
    public void A_sample_closer_than_the_spacing_replaces_the_newest_so_the_curve_ends_now()
    {
        var samples = new List<JobMetricSample>();
        var history = new JobMetricHistory(samples, TimeSpan.FromSeconds(1));

        history.Add(Sample(0));
        history.Add(Sample(1));
        history.Add(Sample(1.4));
        history.Add(Sample(1.8));

        // 1.4 s is a spacing after 0 s, so it is added; 1.8 s is under a spacing after 1 s, so it replaces 1.4 s.
        Assert.Equal([0.0, 1, 1.8], samples.Select(x => x.ElapsedSeconds));
    }

    private static JobMetricSample Sample(double seconds) => new() { At = T0.AddSeconds(seconds), ElapsedSeconds = seconds, BytesDone = (long)(seconds * 1000) };
}
