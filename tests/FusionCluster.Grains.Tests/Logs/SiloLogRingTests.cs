using FusionCluster.Grains.Abstractions;
using FusionCluster.Grains.Logs;
using Microsoft.Extensions.Logging;

namespace FusionCluster.Grains.Tests.Logs;

public sealed class SiloLogRingTests
{
    [Fact]
    public void The_ring_keeps_the_newest_lines_oldest_first()
    {
        var ring = new SiloLogRing(capacity: 3);
        for (var i = 1; i <= 5; i++)
        {
            ring.Add(Line($"line {i}"));
        }

        Assert.Equal(["line 3", "line 4", "line 5"], ring.Recent(10).Select(l => l.Message));
        Assert.Equal(["line 4", "line 5"], ring.Recent(2).Select(l => l.Message));
        Assert.Empty(ring.Recent(0));
    }

    [Fact]
    public void A_huge_message_is_cut()
    {
        var ring = new SiloLogRing();

        ring.Add(Line(new string('x', SiloLogRing.MaxMessageLength * 3)));

        Assert.Equal(SiloLogRing.MaxMessageLength + " …(cut)".Length, Assert.Single(ring.Recent(1)).Message.Length);
    }

    [Fact]
    public void The_logger_keeps_information_and_above_with_the_exception_and_its_category()
    {
        var ring = new SiloLogRing();
        using var factory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(new RingLoggerProvider(ring, TimeProvider.System)));
        var logger = factory.CreateLogger("FusionCluster.Grains.Jobs.MergeJobGrain");

        logger.LogDebug("debug chatter");
        logger.LogInformation("Job {Job} succeeded", "j1");
        logger.LogWarning(new IOException("disk full"), "Job {Job} failed", "j2");

        var lines = ring.Recent(10);
        Assert.Equal(["Job j1 succeeded", "Job j2 failed (IOException: disk full)"], lines.Select(l => l.Message));
        Assert.Equal(["Information", "Warning"], lines.Select(l => l.Level));
        Assert.All(lines, l => Assert.Equal("FusionCluster.Grains.Jobs.MergeJobGrain", l.Category));
    }

    private static SiloLogLine Line(string message) => new() { At = DateTimeOffset.UtcNow, Level = "Information", Category = "test", Message = message };
}
