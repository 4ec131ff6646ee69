using System.Globalization;
using FusionCluster.Grains;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;

namespace FusionCluster.Silo.Metrics;

public static class SiloMetricsServiceCollectionExtensions
{
    /// <summary>Orleans' meter ("Microsoft.Orleans") and <see cref="FusionMetrics"/>, served for Prometheus at http://+:port/metrics.</summary>
    public const string OrleansMeter = "Microsoft.Orleans";

    public static IServiceCollection AddSiloMetrics(this IServiceCollection services, SiloSettings settings, int port)
    {
        // Created with the container, before the first scrape; disposed with it.
        services.AddSingleton(new SiloProfileMetrics(settings));
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(OrleansMeter, FusionMetrics.MeterName)
            .AddPrometheusHttpListener(options =>
            {
                // "+" listens on every interface: Prometheus scrapes the pod IP.
                options.UriPrefixes = [string.Create(CultureInfo.InvariantCulture, $"http://+:{port}/")];
            }));
        return services;
    }
}
