using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace FusionCluster.Silo.Health;

public static class SiloHealthServiceCollectionExtensions
{
    /// <summary>
    /// The /healthz endpoint on <paramref name="port"/>. Call before UseOrleans so the endpoint starts
    /// before the silo and stops after it (hosted services stop in reverse order).
    /// </summary>
    public static IServiceCollection AddSiloHealth(this IServiceCollection services, IConfiguration configuration, int port, ConfigurationOptions redis)
    {
        services.AddOptions<SiloHealthOptions>().Bind(configuration.GetSection(SiloHealthOptions.Section));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<SiloHeartbeat>();
        // A factory registration, so the container disposes the probe's connection.
        services.AddSingleton(_ => new RedisProbe(redis));
        services.AddSingleton<SiloHealthChecks>();
        services.AddHostedService(sp => new SiloHealthEndpoint(port, sp, sp.GetRequiredService<ILogger<SiloHealthEndpoint>>()));
        return services;
    }

    /// <summary>The watchdog behind /healthz/live. Call after UseOrleans: it beats only once the silo runs.</summary>
    public static IServiceCollection AddSiloLivenessWatchdog(this IServiceCollection services)
    {
        services.AddHostedService<SiloLivenessWatchdog>();
        return services;
    }
}
