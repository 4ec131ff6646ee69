using FusionCluster.Client;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace FusionCluster.Silo.Tests;

/// <summary>An Orleans client of fusion-silo processes clustered on Redis, set up as every client of the product is.</summary>
public static class SiloClient
{
    /// <summary>
    /// A started client of the cluster <paramref name="serviceId"/> (a release; the silos' --service-id) on
    /// <paramref name="redis"/>. It registers FusionCluster's serialization: plan types of FusionCluster.Core (a merge
    /// request's scoring) travel as JSON.
    /// </summary>
    public static async Task<IHost> StartAsync(string redis, CancellationToken cancellationToken, string serviceId = "fusion")
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [] });
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(client => client
            .UseRedisClustering(redis)
            .Configure<ClusterOptions>(options =>
            {
                options.ServiceId = serviceId;
                options.ClusterId = "fusion-local";
            })
            .Services.AddFusionSerialization());
        var host = builder.Build();
        await host.StartAsync(cancellationToken);
        return host;
    }
}
