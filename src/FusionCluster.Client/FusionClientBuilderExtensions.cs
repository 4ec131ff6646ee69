using System.Net;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Hosting;

namespace FusionCluster.Client;

public static class FusionClientBuilderExtensions
{
    /// <summary>
    /// Points an Orleans client at a FusionCluster and registers the serialization of its contracts.
    /// A cluster that is still starting (no gateway registered yet) is waited for, up to <paramref name="connectTimeout"/>.
    /// </summary>
    public static IClientBuilder UseFusionCluster(this IClientBuilder client, ClusterEndpoint endpoint, TimeSpan connectTimeout)
    {
        if (endpoint.Redis is { } redis)
        {
            client.UseRedisClustering(redis);
        }
        else
        {
            client.UseStaticClustering(new IPEndPoint(IPAddress.Loopback, endpoint.GatewayPort!.Value));
        }

        client.Configure<ClusterOptions>(o =>
        {
            o.ServiceId = endpoint.ServiceId;
            o.ClusterId = endpoint.ClusterId;
        });

        var deadline = DateTime.UtcNow + connectTimeout;
        client.UseConnectionRetryFilter(async (_, cancellationToken) =>
        {
            if (DateTime.UtcNow >= deadline)
            {
                return false;
            }

            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            return true;
        });
        client.Services.AddFusionSerialization();
        return client;
    }
}
