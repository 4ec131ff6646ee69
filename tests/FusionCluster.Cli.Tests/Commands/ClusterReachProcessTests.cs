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

    [Fact]
    public async Task An_address_without_a_port_is_probed_at_redis_default_port()
    {
        using (var probe = new System.Net.Sockets.TcpClient())
        {
            try
            {
                await probe.ConnectAsync("127.0.0.1", 6379, TestContext.Current.CancellationToken);
                Assert.Skip("something listens on 127.0.0.1:6379 on this machine");
            }
            catch (System.Net.Sockets.SocketException)
            {
                // Nothing there: the case this test needs.
            }
        }

        var (exitCode, _, stderr) = await FusionProcess.RunAsync("jobs", "--cluster", "127.0.0.1");

        Assert.NotEqual(0, exitCode);
        // Not port 0, which no one listens on whatever runs here: the client's own default, 6379.
        Assert.Contains("nothing listens on 127.0.0.1:6379 (connection refused)", stderr, StringComparison.Ordinal);
    }
}
