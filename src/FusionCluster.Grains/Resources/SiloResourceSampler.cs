using FusionCluster.Core.Methods;
using FusionCluster.Grains.Abstractions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace FusionCluster.Grains.Resources;

/// <summary>
/// On every silo: reads the process's CPU and memory (and, on a silo that runs CUDA units, its GPUs') every
/// <see cref="ResourceSamplingOptions.Interval"/> and reports them to the cluster's <see cref="ISiloResourceGrain"/>,
/// where dashboards read them. A report that fails (the silo still starting, the grain's silo just died) is dropped:
/// the next one follows shortly.
/// </summary>
public sealed class SiloResourceSampler(
    IGrainFactory grains,
    ILocalSiloDetails silo,
    WorkerProfile profile,
    IOptions<ResourceSamplingOptions> options,
    TimeProvider time,
    ILogger<SiloResourceSampler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var meter = new ProcessResourceMeter(time, Environment.ProcessorCount);
        var gpu = profile.Device == MergeDevices.Cuda ? NvmlGpuProbe.TryOpen() : null;
        if (profile.Device == MergeDevices.Cuda)
        {
            logger.LogInformation(gpu is null ? "No GPU readings on this silo: NVML (libnvidia-ml) is not available" : "Reporting GPU memory and utilisation of {Count} GPU(s)", gpu?.Devices);
        }

        var history = grains.GetGrain<ISiloResourceGrain>(0);
        using var timer = new PeriodicTimer(options.Value.Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var sample = meter.Read();
                if (gpu?.Read() is { } reading)
                {
                    sample = sample with { GpuMemoryBytes = reading.MemoryUsedBytes, GpuUtilizationPercent = reading.UtilizationPercent };
                }

                try
                {
                    await history.Record(silo.Name, sample).WaitAsync(options.Value.Interval, stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    logger.LogDebug("Reporting this silo's resources failed: {Error}", e.GetBaseException().Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The silo stops.
        }
    }
}
