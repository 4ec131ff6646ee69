using FusionCluster.Client;
using FusionCluster.Grains;
using FusionCluster.Methods.Torch;
using FusionCluster.Grains.Sweeps.Evaluations;
using FusionCluster.Storage;
using FusionCluster.Silo.Health;
using FusionCluster.Silo.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Orleans.Configuration;
using StackExchange.Redis;

namespace FusionCluster.Silo;

/// <summary>
/// fusion-silo: one Orleans silo of a FusionCluster cluster, with Redis membership, grain state and
/// reminders. Exit codes: 0 after a graceful stop, 1 when the silo could not start, 2 for bad options.
/// </summary>
public static class SiloProgram
{
    private const string LogCategory = "FusionCluster.Silo";

    /// <summary>Optional ClusterMembershipOptions overrides, e.g. faster failure detection in tests.</summary>
    private const string MembershipSection = "Fusion:Silo:Membership";

    public static async Task<int> RunAsync(string[] args)
    {
        if (SiloCommandLine.IsHelp(args))
        {
            Console.Out.WriteLine(SiloCommandLine.Usage);
            return 0;
        }

        IHost host;
        SiloSettings settings;
        try
        {
            (host, settings) = Build(args);
        }
        catch (Exception e) when (e is SiloConfigurationException or FusionCluster.Core.Storage.StorageException)
        {
            await Console.Error.WriteLineAsync($"fusion-silo: error: {e.Message}");
            return 2;
        }

        using (host)
        {
            var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger(LogCategory);
            logger.LogInformation(
                "Starting silo {Name} of cluster {ClusterId}, service {ServiceId} (Redis {Redis}): role {Role}, {Slots} unit slots, {Cores} cores, {MemoryGiB:0.0} GiB for units, device {Device}",
                settings.Name, settings.ClusterId, settings.ServiceId, ClusterEndpoint.Redacted(settings.RedisConnection), settings.Role, settings.UnitSlots, settings.Cores,
                settings.MemoryBytes / (1024d * 1024 * 1024), settings.Device);
            logger.LogInformation("Silo {Name} {Roots}", settings.Name, host.Services.DescribeLocalRoots());
            if (settings.UnusedGpu is not null)
            {
                logger.LogInformation("GPU present but unused ({Gpu}), so this silo publishes device=cpu", settings.UnusedGpu);
            }

            try
            {
                await host.StartAsync();
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Start-up failures (Redis unreachable, port in use) end the process with one readable line;
                // the host has already logged the full exception above it.
                await Console.Error.WriteLineAsync($"fusion-silo: error: could not start silo {settings.Name}: {e.GetBaseException().Message}");
                return 1;
            }

            if (settings.JsonLogs)
            {
                // Log collectors read stdout as one JSON object per line; the ready line is one of them
                // (its Message is the plain line, so grep "fusion-silo ready" still finds it).
                logger.LogInformation("{ReadyLine}", settings.ReadyLine());
            }
            else
            {
                await Console.Out.WriteLineAsync(settings.ReadyLine());
                await Console.Out.FlushAsync();
            }

            // Returns after SIGTERM or Ctrl-C once the host stopped: the silo left the membership, handed
            // off its grains and stopped its providers, within HostOptions.ShutdownTimeout.
            await host.WaitForShutdownAsync();
            logger.LogInformation("Silo {Name} stopped", settings.Name);
        }

        return 0;
    }

    private static (IHost Host, SiloSettings Settings) Build(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            // Our own command-line handling below: strict switches and a repeatable --data-root.
            Args = [],
            // appsettings*.json next to the binary, not in whatever folder the silo was started from.
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.AddInMemoryCollection(SiloCommandLine.FromEnvironment(Environment.GetEnvironmentVariable));
        builder.Configuration.AddCommandLine([.. SiloCommandLine.Normalize(args)], SiloCommandLine.SwitchMappings.ToDictionary());

        var settings = SiloSettings.From(builder.Configuration, MachineResources.Detect(), Environment.GetEnvironmentVariable, GpuDetector.Describe, TorchDevices.CudaUnavailableReason);

        builder.Logging.ClearProviders();
        if (settings.JsonLogs)
        {
            builder.Logging.AddJsonConsole(options => options.TimestampFormat = "O");
        }
        else
        {
            builder.Logging.AddSimpleConsole(options =>
            {
                options.SingleLine = true;
                options.TimestampFormat = "HH:mm:ss.fff ";
            });
        }
        // Logs go to stderr so stdout carries only the ready line that scripts parse.
        builder.Services.Configure<ConsoleLoggerOptions>(options => options.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("FusionCluster", LogLevel.Information);
        builder.Logging.AddFilter("Orleans", LogLevel.Warning);

        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = settings.ShutdownTimeout);
        builder.Services.Configure<ClusterMembershipOptions>(builder.Configuration.GetSection(MembershipSection));

        var redis = ConfigurationOptions.Parse(settings.RedisConnection);
        if (settings.HealthPort is { } healthPort)
        {
            builder.Services.AddSiloHealth(builder.Configuration, healthPort, redis.Clone());
        }

        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(options =>
            {
                options.ServiceId = settings.ServiceId;
                options.ClusterId = settings.ClusterId;
            });
            silo.Configure<SiloOptions>(options => options.SiloName = settings.Name);
            silo.ConfigureEndpoints(settings.AdvertisedAddress, settings.SiloPort, settings.GatewayPort, settings.ListenOnAnyHostAddress);

            // Each provider clones the options: they own separate connections and must not share one instance.
            silo.UseRedisClustering(options => options.ConfigurationOptions = redis.Clone());
            silo.AddRedisGrainStorage(FusionStorageNames.Jobs, options => options.ConfigurationOptions = redis.Clone());
            silo.AddRedisGrainStorageAsDefault(options => options.ConfigurationOptions = redis.Clone());
            silo.UseRedisReminderService(options => options.ConfigurationOptions = redis.Clone());

            // Publishes the profile as silo metadata (SiloMetadataKeys) and registers jobs, workers and storage.
            silo.AddFusionSilo(settings.ToWorkerProfile());
        });
        // Sweeps' evaluation results by content, shared by every silo (FusionCluster.Grains.Sweeps.Evaluations).
        builder.Services.AddSingleton<IEvaluationCache>(_ => new RedisEvaluationCache(redis.Clone(), settings.ServiceId));
        if (settings.HealthPort is not null)
        {
            builder.Services.AddSiloLivenessWatchdog();
        }

        if (settings.MetricsPort is { } metricsPort)
        {
            // Fusion:Metrics:JobStateInterval (e.g. 00:00:15): how often the job-state gauges reread the catalog.
            builder.Services.AddSiloMetrics(settings, metricsPort, builder.Configuration.GetValue<TimeSpan?>("Fusion:Metrics:JobStateInterval"));
        }

        return (builder.Build(), settings);
    }
}
