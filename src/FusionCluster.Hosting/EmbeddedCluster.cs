using System.Security.Cryptography;
using FusionCluster.Client;
using FusionCluster.Core.Methods;
using FusionCluster.Evaluation.Evaluators;
using FusionCluster.Grains;
using FusionCluster.Storage.Local;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Runtime.Hosting;

namespace FusionCluster.Hosting;

/// <summary>
/// A single-machine Orleans silo inside this process, running the same job and work-unit grains as a
/// cluster: what `fusion merge` runs its job on and what `fusion dashboard` serves. It listens on free
/// loopback ports, so several processes can host one side by side; other processes on this machine
/// reach it through <see cref="Endpoint"/>.
/// </summary>
public sealed class EmbeddedCluster : IAsyncDisposable
{
    /// <summary>Tries of a start whose ports another process took first.</summary>
    internal const int MaxStartAttempts = 3;

    private readonly IHost host;

    private EmbeddedCluster(IHost host, int gatewayPort, string clusterId)
    {
        this.host = host;
        Endpoint = ClusterEndpoint.LoopbackGateway(gatewayPort, clusterId);
    }

    public IClusterClient Client => host.Services.GetRequiredService<IClusterClient>();

    /// <summary>The silo's services, for tests that look at what it stores.</summary>
    internal IServiceProvider Services => host.Services;

    /// <summary>The settings that give the embedded silo <paramref name="folders"/> as its data roots (Fusion:Storage:LocalRoots, a silo's --data-root).</summary>
    public static Dictionary<string, string?> DataRootSettings(IEnumerable<string> folders) =>
        folders.Select((folder, i) => KeyValuePair.Create($"Fusion:Storage:LocalRoots:{i}", (string?)folder)).ToDictionary();

    /// <summary>
    /// How a client in another process on this machine reaches this silo: its gateway port and its cluster id, which is
    /// this start's own and unguessable. Orleans refuses a connection that names another cluster id, and clients are not
    /// otherwise authenticated: with a fixed id any user of the machine could start a client (a dashboard of their own,
    /// with themselves as operator) against the port and run what this silo runs. Give the id to a client in its
    /// environment (Fusion__Cluster__Id), which other users cannot read, never on a command line, which they can.
    /// </summary>
    public ClusterEndpoint Endpoint { get; }

    /// <param name="unitSlots">Units run at once (0: one per core).</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <param name="device">What the silo publishes as its device (cuda only once the caller has checked CUDA can run).</param>
    /// <param name="settings">Configuration for the silo (Fusion:Storage:..., Fusion:Jobs:...), on top of $FUSION_BLOB_CONNECTION.</param>
    /// <param name="allowCommandEvaluator">Run sweeps' command evaluators (the user asked for it with --allow-command-evaluator).</param>
    public static Task<EmbeddedCluster> StartAsync(int unitSlots, CancellationToken cancellationToken, string device = MergeDevices.Cpu, IReadOnlyDictionary<string, string?>? settings = null, bool allowCommandEvaluator = false) =>
        StartAsync(unitSlots, cancellationToken, device, settings, allowCommandEvaluator, LoopbackPort.FreePair);

    /// <param name="ports">The silo and gateway ports of each try (a test hands out a taken pair first).</param>
    internal static async Task<EmbeddedCluster> StartAsync(int unitSlots, CancellationToken cancellationToken, string device, IReadOnlyDictionary<string, string?>? settings, bool allowCommandEvaluator, Func<(int Silo, int Gateway)> ports)
    {
        // The ports were free when chosen, but another process on the machine (several `fusion` commands started
        // together) can bind one before this silo does: a start refused for that tries again on new ports.
        for (var attempt = 1; ; attempt++)
        {
            var (siloPort, gatewayPort) = ports();
            var clusterId = $"{FusionClusterIdentity.DefaultClusterId}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))}";
            var host = Build(unitSlots, device, settings, allowCommandEvaluator, siloPort, gatewayPort, clusterId);
            try
            {
                await host.StartAsync(cancellationToken);
                return new EmbeddedCluster(host, gatewayPort, clusterId);
            }
            catch (Exception e) when (attempt < MaxStartAttempts && LoopbackPort.IsTaken(e))
            {
                host.Dispose();
            }
            catch
            {
                // Disposed without a stop (a start cancelled or failed): what Orleans says on its way out is not the user's.
                host.Services.GetRequiredService<ShutdownLogFilter>().Stopping();
                host.Dispose();
                throw;
            }
        }
    }

    private static IHost Build(int unitSlots, string device, IReadOnlyDictionary<string, string?>? settings, bool allowCommandEvaluator, int siloPort, int gatewayPort, string clusterId)
    {
        // No appsettings.json or environment defaults: the dashboard's appsettings.json sits beside fusion.dll,
        // and its logging levels must not turn this process's console chatty.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        if (Environment.GetEnvironmentVariable("FUSION_BLOB_CONNECTION") is { Length: > 0 } blobs)
        {
            builder.Configuration["Fusion:Storage:Azure:ConnectionString"] = blobs;
        }

        // Jobs of this silo live in memory and die with the process: note their staging so the next process removes
        // what a killed one left (Storage's StagingJournal). Settings may name another folder.
        builder.Configuration["Fusion:Storage:StagingJournal"] = StagingJournal.DefaultFolder;
        // Its grain states, held in this process, are read by this process only: no older silo needs them as JSON.
        builder.Configuration[GrainStateSerializer.BinaryStateSetting] = "true";
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        if (allowCommandEvaluator)
        {
            builder.Configuration[$"{CommandEvaluatorOptions.Section}:Enabled"] = "true";
        }

        builder.Services.AddSingleton<IHostLifetime, SignalFreeHostLifetime>();
        builder.Logging.ClearProviders();
        // Logs go to stderr: stdout carries what scripts read (a job id, a result line).
        // A filter rule's level replaces the minimum level, so the rule carries the minimum itself.
        var shutdownFilter = new ShutdownLogFilter();
        builder.Services.AddSingleton(shutdownFilter);
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true)
            .AddFilter((category, level) => level >= LogLevel.Error && shutdownFilter.Allows(category));
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.UseOrleans(silo => silo
            .UseLocalhostClustering(siloPort: siloPort, gatewayPort: gatewayPort, serviceId: FusionClusterIdentity.ServiceId, clusterId: clusterId)
            .ConfigureServices(services => services.AddGrainStorage(FusionStorageNames.Jobs, (provider, _) => ActivatorUtilities.CreateInstance<InProcessGrainStorage>(provider)))
            .UseInMemoryReminderService()
            .AddFusionSilo(new WorkerProfile { UnitSlots = unitSlots > 0 ? unitSlots : Environment.ProcessorCount, Device = device }));
        var host = builder.Build();
        host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.Register(shutdownFilter.Stopping);
        return host;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        host.Dispose();
    }

    /// <summary>Stops the silo, keeping its services: a test reads what it stored on its way out (reading needs its serializer).</summary>
    internal Task StopAsync() => host.StopAsync(TimeSpan.FromSeconds(10));
}
