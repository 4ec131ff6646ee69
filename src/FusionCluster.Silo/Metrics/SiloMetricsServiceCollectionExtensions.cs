using System.Globalization;
using FusionCluster.Grains;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;

namespace FusionCluster.Silo.Metrics;

public static class SiloMetricsServiceCollectionExtensions
{
    /// <summary>Orleans' meter ("Microsoft.Orleans") and <see cref="FusionMetrics"/>, served for Prometheus at http://+:port/metrics.</summary>
    public const string OrleansMeter = "Microsoft.Orleans";

    /// <summary>.NET's own meter: process CPU time, working set, GC (dotnet.process.cpu.time, dotnet.process.memory.working_set, ...).</summary>
    public const string RuntimeMeter = "System.Runtime";

    /// <param name="jobStateInterval">How often the job-state gauges reread the job catalog (default 15 s).</param>
    public static IServiceCollection AddSiloMetrics(this IServiceCollection services, SiloSettings settings, int port, TimeSpan? jobStateInterval = null)
    {
        // Created with the container, before the first scrape; disposed with it.
        services.AddSingleton(new SiloProfileMetrics(settings));
        services.AddHostedService(provider => new JobStateMetrics(
            provider.GetRequiredService<IGrainFactory>(),
            provider.GetRequiredService<ILogger<JobStateMetrics>>(),
            jobStateInterval ?? TimeSpan.FromSeconds(15)));
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(OrleansMeter, FusionMetrics.MeterName, RuntimeMeter)
            .AddPrometheusHttpListener(options =>
            {
                options.Port = port;
                // Every interface instead of the default localhost: Prometheus scrapes the pod IP. The default
                // prefix must go, or both bind on Linux and the listener fails with "Address already in use".
                options.ConfigureHttpListener = static (options, listener) =>
                {
                    listener.Prefixes.Clear();
                    listener.Prefixes.Add(string.Create(CultureInfo.InvariantCulture, $"http://+:{options.Port}{options.ScrapeEndpointPath}/"));
                };
            }));
        return services;
    }
}
