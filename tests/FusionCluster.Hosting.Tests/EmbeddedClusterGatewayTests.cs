using FusionCluster.Client;
using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Hosting.Tests;

/// <summary>
/// An embedded silo's loopback gateway (the one `fusion dashboard` starts) serves only a client that names its cluster
/// id, which is its start's own: with the fixed id every embedded silo had, any user of the machine could connect a client
/// of their own (a dashboard with themselves as operator) and submit merges and sweeps as the user who started it.
/// </summary>
public sealed class EmbeddedClusterGatewayTests
{
    [Fact]
    public async Task A_client_naming_the_silos_cluster_id_is_served_and_one_naming_the_old_fixed_id_is_refused()
    {
        var cancellation = TestContext.Current.CancellationToken;
        await using var cluster = await EmbeddedCluster.StartAsync(1, cancellation);
        await using var other = await EmbeddedCluster.StartAsync(1, cancellation);

        await using (var own = await ClusterConnection.ConnectAsync(cluster.Endpoint, cancellation))
        {
            Assert.Empty(await own.Client.GetGrain<IJobCatalogGrain>("default").List());
        }

        // The client retries a refused handshake until its 30 s connect timeout: 5 s without an answer is the refusal here
        // (the right id above connects in well under a second).
        var guessed = ClusterEndpoint.LoopbackGateway(cluster.Endpoint.GatewayPort!.Value, FusionClusterIdentity.DefaultClusterId);
        using (var patience = CancellationTokenSource.CreateLinkedTokenSource(cancellation))
        {
            patience.CancelAfter(TimeSpan.FromSeconds(5));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
            {
                await using var intruder = await ClusterConnection.ConnectAsync(guessed, patience.Token);
            });
        }

        Assert.StartsWith($"{FusionClusterIdentity.DefaultClusterId}-", cluster.Endpoint.ClusterId, StringComparison.Ordinal);
        Assert.True(cluster.Endpoint.ClusterId.Length >= FusionClusterIdentity.DefaultClusterId.Length + 32, cluster.Endpoint.ClusterId);
        Assert.NotEqual(cluster.Endpoint.ClusterId, other.Endpoint.ClusterId);
    }
}
