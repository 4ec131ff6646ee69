using FusionCluster.Grains.Sweeps;
using FusionCluster.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace FusionCluster.Grains.Tests.Sweeps;

/// <summary>
/// A silo in the test process whose grain state and reminders live in a real redis-server, as in a
/// cluster: stopping it and starting another is a full cluster restart that only Redis survives.
/// </summary>
public sealed class SweepSiloHost : IAsyncDisposable
{
    private readonly IHost host;

    private SweepSiloHost(IHost host) => this.host = host;

    public IGrainFactory Grains => host.Services.GetRequiredService<IGrainFactory>();

    public static async Task<SweepSiloHost> StartAsync(string redis, SweepClock clock, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [] });
        builder.Logging.ClearProviders();
        var options = ConfigurationOptions.Parse(redis);
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(FreePort.Next(), FreePort.Next(), serviceId: "fusion-sweep-tests", clusterId: "sweep-restart")
                .AddRedisGrainStorage(FusionStorageNames.Jobs, o => o.ConfigurationOptions = options.Clone())
                .UseRedisReminderService(o => o.ConfigurationOptions = options.Clone())
                .AddFusionSilo(new WorkerProfile { UnitSlots = 2 });
            SweepTestSettings.Apply(silo, clock);
        });
        var host = builder.Build();
        await host.StartAsync(cancellationToken);
        return new SweepSiloHost(host);
    }

    public async ValueTask DisposeAsync()
    {
        await host.StopAsync(TimeSpan.FromSeconds(30));
        host.Dispose();
    }
}
