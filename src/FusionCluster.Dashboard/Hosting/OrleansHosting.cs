using FusionCluster.Client;

namespace FusionCluster.Dashboard.Hosting;

/// <summary>
/// Connects the dashboard to the grains as an Orleans client: of a Redis-clustered cluster, or of the
/// embedded silo that `fusion dashboard` hosts in its own process. The dashboard never hosts grains.
/// </summary>
public static class OrleansHosting
{
    public static ClusterEndpoint AddFusionOrleans(this WebApplicationBuilder builder, DashboardOptions options)
    {
        var endpoint = ClusterAddress.FromConfiguration(builder.Configuration);
        builder.UseOrleansClient(client => client.UseFusionCluster(endpoint, options.ClusterConnectTimeout));
        return endpoint;
    }
}
