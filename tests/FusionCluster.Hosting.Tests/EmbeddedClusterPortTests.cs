using System.Net;
using System.Net.Sockets;
using FusionCluster.Core.Methods;
using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Hosting.Tests;

/// <summary>
/// An embedded silo's ports are chosen free, but another process may bind one first (several `fusion` commands started
/// at once): the start tries new ports, a few times, and then fails with the bind's own error.
/// </summary>
public sealed class EmbeddedClusterPortTests
{
    [Fact]
    public async Task A_start_whose_silo_port_is_taken_starts_on_the_next_ports()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var takenPort = ((IPEndPoint)taken.LocalEndpoint).Port;
        var pairs = new List<(int Silo, int Gateway)>();

        await using var cluster = await EmbeddedCluster.StartAsync(1, TestContext.Current.CancellationToken, MergeDevices.Cpu, null, false, () =>
        {
            var pair = pairs.Count == 0 ? (takenPort, LoopbackPort.Free()) : LoopbackPort.FreePair();
            pairs.Add(pair);
            return pair;
        });

        Assert.Equal(2, pairs.Count);
        Assert.Equal(pairs[1].Gateway, cluster.Endpoint.GatewayPort);
        Assert.Empty(await cluster.Client.GetGrain<IJobCatalogGrain>("default").List());
    }

    [Fact]
    public async Task A_start_whose_ports_stay_taken_fails_after_its_tries_with_the_bind_error()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var takenPort = ((IPEndPoint)taken.LocalEndpoint).Port;
        var tries = 0;

        var error = await Assert.ThrowsAnyAsync<Exception>(() => EmbeddedCluster.StartAsync(1, TestContext.Current.CancellationToken, MergeDevices.Cpu, null, false, () =>
        {
            tries++;
            return (takenPort, LoopbackPort.Free());
        }));

        Assert.Equal(EmbeddedCluster.MaxStartAttempts, tries);
        Assert.True(LoopbackPort.IsTaken(error), error.ToString());
    }

    [Fact]
    public void A_free_pair_is_two_different_ports()
    {
        for (var i = 0; i < 200; i++)
        {
            var (first, second) = LoopbackPort.FreePair();
            Assert.NotEqual(first, second);
        }
    }
}
