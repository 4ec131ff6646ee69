using System.Diagnostics;
using FusionCluster.Cli.Tests.Support;
using FusionCluster.TestSupport;

namespace FusionCluster.Cli.Tests.Commands;

/// <summary>A client verb pointed at a Redis address where nothing listens says so at once, as a real child process.</summary>
public sealed class ClusterReachProcessTests
{
    [Fact]
    public async Task A_refused_redis_address_is_reported_at_once_not_after_the_connect_timeout()
    {
        // A port that was free a moment ago: nothing listens there.
        var port = FreePort.Next();
        var clock = Stopwatch.StartNew();

        var (exitCode, _, stderr) = await FusionProcess.RunAsync("jobs", "--cluster", $"127.0.0.1:{port}");

        Assert.NotEqual(0, exitCode);
        Assert.Contains($"cannot reach cluster fusion-local through Redis 127.0.0.1:{port}: nothing listens on 127.0.0.1:{port} (connection refused)", stderr, StringComparison.Ordinal);
        // Orleans alone retried for its 30 s connect timeout; the process (start-up included) now ends well before.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
    }
}
