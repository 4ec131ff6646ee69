using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FusionCluster.Client;

/// <summary>A stand-alone Orleans client of a FusionCluster, for command-line tools and tests.</summary>
public sealed class ClusterConnection : IAsyncDisposable
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(30);

    private readonly IHost host;

    private ClusterConnection(IHost host) => this.host = host;

    public IClusterClient Client => host.Services.GetRequiredService<IClusterClient>();

    public static Task<ClusterConnection> ConnectAsync(string redis, string clusterId, CancellationToken cancellationToken) =>
        ConnectAsync(ClusterEndpoint.ThroughRedis(redis, clusterId), cancellationToken);

    public static async Task<ClusterConnection> ConnectAsync(ClusterEndpoint endpoint, CancellationToken cancellationToken)
    {
        if (endpoint.Redis is { } redis && await RedisReachability.RefusalAsync(redis, cancellationToken) is { } refusal)
        {
            throw new InvalidOperationException($"cannot reach {endpoint.Describe()}: {refusal}");
        }

        // No appsettings.json or environment defaults: the dashboard's appsettings.json may sit beside the
        // calling program, and its logging levels must not turn this process's console chatty.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSingleton<IHostLifetime, SignalFreeHostLifetime>();
        builder.Logging.ClearProviders();
        // Logs go to stderr: stdout carries what scripts read (a job id, a result line).
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Error);
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.UseOrleansClient(client => client.UseFusionCluster(endpoint, ConnectTimeout));
        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken).WaitAsync(ConnectTimeout, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            host.Dispose();
            throw new InvalidOperationException($"cannot reach {endpoint.Describe()}: {e.Message}", e);
        }

        return new ClusterConnection(host);
    }

    public async ValueTask DisposeAsync()
    {
        await host.StopAsync(TimeSpan.FromSeconds(5));
        host.Dispose();
    }
}
