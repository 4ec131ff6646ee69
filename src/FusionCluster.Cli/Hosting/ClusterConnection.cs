using FusionCluster.Grains;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace FusionCluster.Cli.Hosting;

/// <summary>An Orleans client connected to a FusionCluster through its Redis membership table.</summary>
public sealed class ClusterConnection : IAsyncDisposable
{
    public const string DefaultClusterId = "fusion-local";

    private readonly IHost host;

    private ClusterConnection(IHost host) => this.host = host;

    public IClusterClient Client => host.Services.GetRequiredService<IClusterClient>();

    public static Task<ClusterConnection> ConnectAsync(string redis, string clusterId, CancellationToken cancellationToken) =>
        ConnectAsync(redis, clusterId, FusionClusterIdentity.ServiceId, cancellationToken);

    /// <summary>Connects to the cluster <paramref name="clusterId"/> of the service <paramref name="serviceId"/> (a release's own id when several share one Redis).</summary>
    public static async Task<ClusterConnection> ConnectAsync(string redis, string clusterId, string serviceId, CancellationToken cancellationToken)
    {
        // No appsettings.json or environment defaults: the dashboard's appsettings.json sits beside fusion.dll,
        // and its logging levels must not turn this process's console chatty.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        // Logs go to stderr: stdout carries what scripts read (a job id, a result line).
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Error);
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.UseOrleansClient(client => client
            .UseRedisClustering(redis)
            .Configure<ClusterOptions>(o =>
            {
                o.ServiceId = serviceId;
                o.ClusterId = clusterId;
            }));
        builder.Services.AddFusionSerialization();
        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken).WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            host.Dispose();
            throw new InvalidOperationException($"cannot reach the cluster '{clusterId}' through Redis at {redis}: {e.Message}", e);
        }

        return new ClusterConnection(host);
    }

    public async ValueTask DisposeAsync()
    {
        await host.StopAsync(TimeSpan.FromSeconds(5));
        host.Dispose();
    }
}
