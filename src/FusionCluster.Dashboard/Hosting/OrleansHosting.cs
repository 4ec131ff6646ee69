using System.Net;
using System.Net.Sockets;
using FusionCluster.Grains;
using Orleans.Configuration;

namespace FusionCluster.Dashboard.Hosting;

/// <summary>Connects the dashboard to the grains: a co-hosted silo (embedded) or an Orleans client of a Redis-clustered cluster.</summary>
public static class OrleansHosting
{
    public static void AddFusionOrleans(this WebApplicationBuilder builder, DashboardOptions options)
    {
        if (options.Mode == DashboardMode.Embedded)
        {
            AddEmbeddedSilo(builder, options);
        }
        else
        {
            AddClusterClient(builder, ClusterAddress.FromConfiguration(builder.Configuration), options.ClusterConnectTimeout);
        }
    }

    /// <summary>
    /// The same silo as `fusion merge` runs: localhost clustering on free ports (several dashboards and
    /// test hosts can run side by side), job state in memory, and this machine as the only worker.
    /// </summary>
    private static void AddEmbeddedSilo(WebApplicationBuilder builder, DashboardOptions options)
    {
        if (Environment.GetEnvironmentVariable("FUSION_BLOB_CONNECTION") is { Length: > 0 } blobs && builder.Configuration["Fusion:Storage:Azure:ConnectionString"] is null)
        {
            builder.Configuration["Fusion:Storage:Azure:ConnectionString"] = blobs;
        }

        var slots = options.EmbeddedUnitSlots > 0 ? options.EmbeddedUnitSlots : Environment.ProcessorCount;
        builder.UseOrleans(silo => silo
            .UseLocalhostClustering(siloPort: FreePort(), gatewayPort: FreePort())
            .AddMemoryGrainStorage(FusionStorageNames.Jobs)
            .UseInMemoryReminderService()
            .AddFusionSilo(new WorkerProfile { UnitSlots = slots }));
    }

    private static void AddClusterClient(WebApplicationBuilder builder, ClusterAddress cluster, TimeSpan connectTimeout)
    {
        builder.UseOrleansClient(client =>
        {
            client.UseRedisClustering(cluster.Redis)
                .Configure<ClusterOptions>(o =>
                {
                    o.ServiceId = cluster.ServiceId;
                    o.ClusterId = cluster.ClusterId;
                });

            // A cluster that is still starting (silos not registered yet) is waited for, up to the timeout.
            var deadline = DateTime.UtcNow + connectTimeout;
            client.UseConnectionRetryFilter(async (exception, cancellationToken) =>
            {
                if (DateTime.UtcNow >= deadline)
                {
                    return false;
                }

                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
                return true;
            });
        });

        // Core types (plans, specs) travel as JSON between silos and clients alike.
        builder.Services.AddFusionSerialization();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
