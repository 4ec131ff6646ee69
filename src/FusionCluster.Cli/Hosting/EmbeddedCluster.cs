using System.Net;
using System.Net.Sockets;
using FusionCluster.Grains;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FusionCluster.Cli.Hosting;

/// <summary>
/// A single-machine Orleans silo inside the fusion process, running the same job and work-unit grains
/// as a cluster. It listens on free loopback ports so several fusion processes can run side by side.
/// </summary>
public sealed class EmbeddedCluster : IAsyncDisposable
{
    private readonly IHost host;

    private EmbeddedCluster(IHost host) => this.host = host;

    public IClusterClient Client => host.Services.GetRequiredService<IClusterClient>();

    /// <param name="unitSlots">Units run at once (0: one per core).</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <param name="device">What the silo publishes as its device (cuda only once the caller has checked CUDA can run).</param>
    public static async Task<EmbeddedCluster> StartAsync(int unitSlots, CancellationToken cancellationToken, string device = "cpu")
    {
        // No appsettings.json or environment defaults: the dashboard's appsettings.json sits beside fusion.dll,
        // and its logging levels must not turn this process's console chatty.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        if (Environment.GetEnvironmentVariable("FUSION_BLOB_CONNECTION") is { Length: > 0 } blobs)
        {
            builder.Configuration["Fusion:Storage:Azure:ConnectionString"] = blobs;
        }

        builder.Services.AddSingleton<IHostLifetime, SignalFreeHostLifetime>();
        builder.Logging.ClearProviders();
        // Logs go to stderr: stdout carries what scripts read (a job id, a result line).
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Error);
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.UseOrleans(silo => silo
            .UseLocalhostClustering(siloPort: FreePort(), gatewayPort: FreePort())
            .AddMemoryGrainStorage(FusionStorageNames.Jobs)
            .UseInMemoryReminderService()
            .AddFusionSilo(new WorkerProfile { UnitSlots = unitSlots > 0 ? unitSlots : Environment.ProcessorCount, Device = device }));
        var host = builder.Build();
        await host.StartAsync(cancellationToken);
        return new EmbeddedCluster(host);
    }

    public async ValueTask DisposeAsync()
    {
        await host.StopAsync(TimeSpan.FromSeconds(10));
        host.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
