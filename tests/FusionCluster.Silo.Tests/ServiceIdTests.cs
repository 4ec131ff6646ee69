using FusionCluster.Grains.Abstractions;
using FusionCluster.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FusionCluster.Silo.Tests;

/// <summary>Two releases on one Redis, told apart only by --service-id (same cluster id on purpose).</summary>
public sealed class ServiceIdTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Two_clusters_with_different_service_ids_on_one_redis_keep_separate_members_and_jobs()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var redis = await RedisServerProcess.StartAsync(cancellationToken: cancellationToken);
        await using var alphaSilo = await FusionSiloProcess.StartAsync(
            redis.ConnectionString, "alpha-silo", ["--service-id", "alpha", "--device", "cpu"], cancellationToken: cancellationToken);
        await using var betaSilo = await FusionSiloProcess.StartAsync(
            redis.ConnectionString, "beta-silo", ["--device", "cpu"], environment: new Dictionary<string, string?> { ["FUSION_SERVICE_ID"] = "beta" }, cancellationToken: cancellationToken);
        using var alphaHost = await SiloClient.StartAsync(redis.ConnectionString, cancellationToken, serviceId: "alpha");
        using var betaHost = await SiloClient.StartAsync(redis.ConnectionString, cancellationToken, serviceId: "beta");
        var alpha = alphaHost.Services.GetRequiredService<IClusterClient>();
        var beta = betaHost.Services.GetRequiredService<IClusterClient>();

        // Each service sees its own silo only, although both use cluster id fusion-local.
        var alphaHosts = await alpha.GetGrain<IManagementGrain>(0).GetDetailedHosts(true, cancellationToken);
        var betaHosts = await beta.GetGrain<IManagementGrain>(0).GetDetailedHosts(true, cancellationToken);
        Assert.Equal(["alpha-silo"], alphaHosts.Select(host => host.SiloName));
        Assert.Equal(["beta-silo"], betaHosts.Select(host => host.SiloName));

        // The catalog is one grain per cluster with the same key in both; its persisted state must not be shared.
        await alpha.GetGrain<IJobCatalogGrain>("default").Upsert(Job("job-alpha"));
        var betaJobsBefore = await beta.GetGrain<IJobCatalogGrain>("default").List();
        await beta.GetGrain<IJobCatalogGrain>("default").Upsert(Job("job-beta"));

        Assert.Empty(betaJobsBefore);
        Assert.Equal(["job-alpha"], (await alpha.GetGrain<IJobCatalogGrain>("default").List()).Select(job => job.JobId));
        Assert.Equal(["job-beta"], (await beta.GetGrain<IJobCatalogGrain>("default").List()).Select(job => job.JobId));

        // The state lives in Redis: a restarted alpha cluster reads its own job back, and only it.
        await alphaHost.StopAsync(cancellationToken);
        Assert.Equal(0, await alphaSilo.StopAsync(Patience, cancellationToken));
        await using var alphaAgain = await FusionSiloProcess.StartAsync(
            redis.ConnectionString, "alpha-silo-2", ["--service-id", "alpha", "--device", "cpu"], cancellationToken: cancellationToken);
        using var alphaAgainHost = await SiloClient.StartAsync(redis.ConnectionString, cancellationToken, serviceId: "alpha");
        var alphaAgainClient = alphaAgainHost.Services.GetRequiredService<IClusterClient>();
        var reread = await EventuallyAsync(() => alphaAgainClient.GetGrain<IJobCatalogGrain>("default").List(), cancellationToken);
        Assert.Equal(["job-alpha"], reread.Select(job => job.JobId));

        await alphaAgainHost.StopAsync(cancellationToken);
        await betaHost.StopAsync(cancellationToken);
    }

    private static JobSummary Job(string id) => new() { JobId = id, SpecName = id, SubmittedAt = DateTimeOffset.UnixEpoch };

    /// <summary>The client retries while the restarted silo joins and the old one is declared gone.</summary>
    private static async Task<IReadOnlyList<JobSummary>> EventuallyAsync(Func<Task<IReadOnlyList<JobSummary>>> read, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            try
            {
                return await read();
            }
            catch (Exception e) when (e is OrleansException or SiloUnavailableException or TimeoutException && DateTime.UtcNow < deadline)
            {
                await Task.Delay(500, cancellationToken);
            }
        }
    }
}
