using System.Globalization;
using System.Net.Http;
using FusionCluster.Grains.Abstractions;
using FusionCluster.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FusionCluster.Silo.Tests.Metrics;

/// <summary>Jobs by state and the units still to do, on a real fusion-silo's Prometheus endpoint.</summary>
public sealed class JobStateMetricsTests
{
    [Fact]
    public async Task A_scrape_shows_the_clusters_jobs_by_state_and_the_units_remaining()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var metricsPort = FreePort.Next().ToString(CultureInfo.InvariantCulture);
        await using var redis = await RedisServerProcess.StartAsync(cancellationToken: cancellationToken);
        await using var silo = await FusionSiloProcess.StartAsync(
            redis.ConnectionString,
            "metrics-jobs",
            ["--metrics-port", metricsPort, "--device", "cpu", "--Fusion:Metrics:JobStateInterval", "00:00:00.500"],
            cancellationToken: cancellationToken);
        using var client = await SiloClient.StartAsync(redis.ConnectionString, cancellationToken);
        var catalog = client.Services.GetRequiredService<IClusterClient>().GetGrain<IJobCatalogGrain>("default");
        await catalog.Upsert(Job("a", JobState.Running, total: 10, done: 3));
        await catalog.Upsert(Job("b", JobState.Running, total: 5, done: 1));
        await catalog.Upsert(Job("c", JobState.Succeeded, total: 8, done: 8));
        await catalog.Upsert(Job("d", JobState.Failed, total: 6, done: 2));
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };

        // The gauges reread the catalog every half second; scrape until a reading holds all four jobs (one read
        // between two upserts shows only the first ones, so waiting for the running jobs alone is not enough).
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        List<string> samples;
        do
        {
            await Task.Delay(300, cancellationToken);
            var text = await http.GetStringAsync(new Uri($"http://127.0.0.1:{metricsPort}/metrics"), cancellationToken);
            samples = [.. text.Split('\n').Where(line => line.Length > 0 && !line.StartsWith('#'))];
        }
        while (JobsCounted(samples) != 4 && DateTime.UtcNow < deadline);

        Assert.Equal(2, Value(samples, "fusion_jobs{", "state=\"running\""));
        Assert.Equal(1, Value(samples, "fusion_jobs{", "state=\"succeeded\""));
        Assert.Equal(1, Value(samples, "fusion_jobs{", "state=\"failed\""));
        Assert.Equal(0, Value(samples, "fusion_jobs{", "state=\"cancelled\""));
        // 7 + 4 units of the running jobs; the failed job's 4 undone units are not under way.
        Assert.Equal(11, Value(samples, "fusion_jobs_units_remaining", ""));
        await client.StopAsync(cancellationToken);
    }

    private static JobSummary Job(string id, JobState state, int total, int done) =>
        new() { JobId = id, SpecName = id, SubmittedAt = DateTimeOffset.UnixEpoch, State = state, UnitsTotal = total, UnitsDone = done };

    /// <summary>The jobs the <c>fusion_jobs</c> samples count over every state.</summary>
    private static double JobsCounted(List<string> samples) =>
        samples.Where(s => s.StartsWith("fusion_jobs{", StringComparison.Ordinal))
            .Sum(SampleValue);

    /// <summary>The value of the one sample whose name starts with <paramref name="prefix"/> and that has <paramref name="label"/>; NaN when none.</summary>
    private static double Value(List<string> samples, string prefix, string label)
    {
        var line = samples.SingleOrDefault(s => s.StartsWith(prefix, StringComparison.Ordinal) && s.Contains(label, StringComparison.Ordinal)
            && (prefix.EndsWith('{') || s[prefix.Length] is '{' or ' '));
        return line is null ? double.NaN : SampleValue(line);
    }

    private static double SampleValue(string line) =>
        double.Parse(line[(line.LastIndexOf('}') + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
}
