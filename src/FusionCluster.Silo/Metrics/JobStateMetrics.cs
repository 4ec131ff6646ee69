using System.Diagnostics.Metrics;
using FusionCluster.Grains;
using FusionCluster.Grains.Abstractions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FusionCluster.Silo.Metrics;

/// <summary>
/// Job-state gauges of the "FusionCluster" meter: <c>fusion.jobs</c> by state and <c>fusion.jobs.units_remaining</c>,
/// read from the job catalog every <see cref="Interval"/> (a scrape's callback cannot call a grain, and a
/// scrape must not wait on one). They are the cluster's figures, so every silo with metrics reports the
/// same values: aggregate with max, not sum. Units running right now are per silo: <c>fusion.units.running</c>.
/// </summary>
public sealed class JobStateMetrics : BackgroundService
{
    private readonly IGrainFactory grains;
    private readonly ILogger<JobStateMetrics> logger;
    private readonly Meter meter = new(FusionMetrics.MeterName);
    private volatile JobStateCounts counts = JobStateCounts.Empty;

    public JobStateMetrics(IGrainFactory grains, ILogger<JobStateMetrics> logger, TimeSpan interval)
    {
        this.grains = grains;
        this.logger = logger;
        Interval = interval;
        meter.CreateObservableGauge(
            "fusion.jobs",
            () => counts.ByState.Select(s => new Measurement<int>(s.Value, new KeyValuePair<string, object?>("state", s.Key.ToString().ToLowerInvariant()))),
            unit: "{job}",
            description: "Jobs in the cluster's catalog by state (the same on every silo: aggregate with max)");
        meter.CreateObservableGauge(
            "fusion.jobs.units_remaining",
            () => counts.UnitsRemaining,
            unit: "{unit}",
            description: "Work units not yet done of the jobs under way (pending, planning, running, publishing)");
    }

    public TimeSpan Interval { get; }

    public override void Dispose()
    {
        meter.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                counts = JobStateCounts.From(await grains.GetGrain<IJobCatalogGrain>("default").List().WaitAsync(stoppingToken));
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The silo may still be joining, or the catalog moving: the last figures stay until the next try.
                logger.LogDebug("Job-state metrics: reading the job catalog failed: {Error}", e.Message);
            }

            try
            {
                await Task.Delay(Interval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
