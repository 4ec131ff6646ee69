using System.Globalization;
using System.Net.Http;
using FusionCluster.TestSupport;

namespace FusionCluster.Silo.Tests.Metrics;

/// <summary>A real fusion-silo's Prometheus endpoint serves Orleans' and FusionCluster's meters.</summary>
public sealed class SiloMetricsTests
{
    [Fact]
    public async Task The_metrics_endpoint_serves_orleans_and_fusioncluster_metrics_in_prometheus_text()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var metricsPort = FreePort.Next();
        await using var redis = await RedisServerProcess.StartAsync(cancellationToken: cancellationToken);
        await using var silo = await FusionSiloProcess.StartAsync(
            redis.ConnectionString,
            "metrics-a",
            ["--metrics-port", metricsPort.ToString(CultureInfo.InvariantCulture), "--unit-slots", "3", "--device", "cpu"],
            cancellationToken: cancellationToken);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };

        var text = await http.GetStringAsync(new Uri($"http://127.0.0.1:{metricsPort.ToString(CultureInfo.InvariantCulture)}/metrics"), cancellationToken);
        var samples = text.Split('\n').Where(line => line.Length > 0 && !line.StartsWith('#')).ToList();

        // Prometheus names: dots become underscores, units become suffixes; Orleans' own meter is there too.
        Assert.Contains(samples, line => line.StartsWith("orleans_", StringComparison.Ordinal));
        var slots = Assert.Single(samples, line => line.StartsWith("fusion_silo_unit_slots", StringComparison.Ordinal));
        Assert.Contains("role=\"worker\"", slots, StringComparison.Ordinal);
        Assert.Equal(3, double.Parse(slots.Split(' ')[1], CultureInfo.InvariantCulture));
        Assert.Contains(samples, line => line.StartsWith("fusion_silo_memory_bytes", StringComparison.Ordinal));
        // .NET's runtime meter: the silo process's CPU time and working set, for CPU and memory over time.
        Assert.Contains(samples, line => line.StartsWith("dotnet_process_cpu_time", StringComparison.Ordinal));
        Assert.Contains(samples, line => line.StartsWith("dotnet_process_memory_working_set", StringComparison.Ordinal));
    }
}
