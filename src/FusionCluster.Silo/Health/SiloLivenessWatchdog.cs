using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FusionCluster.Silo.Health;

/// <summary>
/// Beats <see cref="SiloHeartbeat"/> after each successful grain call, so a silo whose scheduler no longer
/// runs grain calls (deadlock, starved thread pool) fails its liveness probe and is restarted.
/// </summary>
public sealed partial class SiloLivenessWatchdog(
    IGrainFactory grains,
    SiloHeartbeat heartbeat,
    IOptions<SiloHealthOptions> options,
    ILogger<SiloLivenessWatchdog> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        using var timer = new PeriodicTimer(settings.HeartbeatInterval);
        do
        {
            if (IsPaused(settings))
            {
                continue;
            }

            try
            {
                // A call through the management grain runs on a silo's scheduler and reads the membership,
                // so it proves both the scheduler and the cluster view are alive.
                await grains.GetGrain<IManagementGrain>(0).GetHosts(true).WaitAsync(settings.LiveTimeout, stoppingToken);
                // Asked again: a call already under way when the pause began must not beat after it.
                if (!IsPaused(settings))
                {
                    heartbeat.Beat();
                }
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogBeatFailed(e.GetBaseException().Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private static bool IsPaused(SiloHealthOptions settings) => settings.PauseFile is { Length: > 0 } pause && File.Exists(pause);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Liveness heartbeat failed: {Reason}")]
    private partial void LogBeatFailed(string reason);
}
