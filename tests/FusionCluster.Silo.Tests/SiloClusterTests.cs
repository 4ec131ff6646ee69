using System.Globalization;
using System.Net;
using FusionCluster.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Runtime.MembershipService.SiloMetadata;

namespace FusionCluster.Silo.Tests;

/// <summary>Two real fusion-silo processes forming a cluster over a real redis-server.</summary>
public sealed class SiloClusterTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Two_silos_join_publish_their_metadata_and_one_leaves_gracefully_on_sigterm()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var redis = await RedisServerProcess.StartAsync(cancellationToken: cancellationToken);
        await using var worker = await FusionSiloProcess.StartAsync(
            redis.ConnectionString, "worker-a", ["--unit-slots", "3", "--device", "cpu"], cancellationToken: cancellationToken);
        await using var coordinator = await FusionSiloProcess.StartAsync(
            redis.ConnectionString, "coordinator-b", ["--role", "coordinator"], cancellationToken: cancellationToken);

        Assert.Equal(new SiloReadyLine("worker-a", "worker", worker.SiloPort, worker.GatewayPort, 3, "cpu"), worker.Ready);
        Assert.Equal("coordinator", coordinator.Ready.Role);
        Assert.True(coordinator.Ready.Slots >= 1);

        using var client = await SiloClient.StartAsync(redis.ConnectionString, cancellationToken);
        var management = client.Services.GetRequiredService<IClusterClient>().GetGrain<IManagementGrain>(0);
        var active = await EventuallyAsync(
            async () => await management.GetDetailedHosts(true, cancellationToken),
            hosts => hosts.Length == 2,
            cancellationToken);
        Assert.Equal(["coordinator-b", "worker-a"], active.Select(host => host.SiloName).Order(StringComparer.Ordinal));
        Assert.All(active, host => Assert.Equal(SiloStatus.Active, host.Status));
        var workerAddress = active.Single(host => host.SiloName == "worker-a").SiloAddress;
        Assert.Equal(worker.SiloPort, workerAddress.Endpoint.Port);
        Assert.Equal(IPAddress.Loopback, workerAddress.Endpoint.Address);

        // Metadata is exchanged between silos only, so a third silo in this process reads it.
        using var observer = await StartObserverSiloAsync(redis.ConnectionString, cancellationToken);
        var metadataCache = observer.Services.GetRequiredService<ISiloMetadataCache>();
        var workerMetadata = await EventuallyAsync(
            () => Task.FromResult(metadataCache.GetSiloMetadata(workerAddress).Metadata),
            metadata => metadata.ContainsKey("fusion.role"),
            cancellationToken);
        Assert.Equal("worker", workerMetadata["fusion.role"]);
        Assert.Equal("cpu", workerMetadata["fusion.device"]);
        Assert.Equal("3", workerMetadata["fusion.unit-slots"]);
        Assert.Equal(Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture), workerMetadata["fusion.cores"]);
        Assert.True(long.Parse(workerMetadata["fusion.memory-bytes"], CultureInfo.InvariantCulture) > 0);
        var coordinatorAddress = active.Single(host => host.SiloName == "coordinator-b").SiloAddress;
        var coordinatorMetadata = await EventuallyAsync(
            () => Task.FromResult(metadataCache.GetSiloMetadata(coordinatorAddress).Metadata),
            metadata => metadata.ContainsKey("fusion.role"),
            cancellationToken);
        Assert.Equal("coordinator", coordinatorMetadata["fusion.role"]);

        var exitCode = await coordinator.StopAsync(Patience, cancellationToken);

        Assert.Equal(0, exitCode);
        var afterStop = await EventuallyAsync(
            async () => await management.GetDetailedHosts(false, cancellationToken),
            hosts => hosts.Any(host => host.SiloName == "coordinator-b" && host.Status == SiloStatus.Dead),
            cancellationToken);
        Assert.Equal(SiloStatus.Active, afterStop.Single(host => host.SiloName == "worker-a").Status);
        var activeHosts = await management.GetHosts(true, cancellationToken);
        Assert.DoesNotContain(coordinatorAddress, activeHosts.Keys);
        Assert.Contains(coordinator.Process.Lines(), line => line.Contains("Silo coordinator-b stopped", StringComparison.Ordinal));
        Assert.False(worker.Process.HasExited);

        await observer.StopAsync(cancellationToken);
        await client.StopAsync(cancellationToken);
    }

    private static async Task<IHost> StartObserverSiloAsync(string redis, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [] });
        builder.Logging.ClearProviders();
        builder.UseOrleans(silo => silo
            .UseRedisClustering(redis)
            .Configure<ClusterOptions>(options =>
            {
                options.ServiceId = "fusion";
                options.ClusterId = "fusion-local";
            })
            .Configure<SiloOptions>(options => options.SiloName = "test-observer")
            .ConfigureEndpoints(IPAddress.Loopback, FreePort.Next(), FreePort.Next(), listenOnAnyHostAddress: false)
            .UseSiloMetadata(new Dictionary<string, string> { ["fusion.role"] = "test-observer" }));
        var host = builder.Build();
        await host.StartAsync(cancellationToken);
        return host;
    }

    /// <summary>Polls until <paramref name="done"/> holds; membership and metadata spread asynchronously.</summary>
    private static async Task<T> EventuallyAsync<T>(Func<Task<T>> read, Func<T, bool> done, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"condition not reached within {Patience.TotalSeconds} s; last value: {value}");
            }

            await Task.Delay(250, cancellationToken);
        }
    }
}
