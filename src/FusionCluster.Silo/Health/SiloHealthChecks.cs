using FusionCluster.Grains.Workers;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using System.Globalization;

namespace FusionCluster.Silo.Health;

/// <summary>
/// What /healthz/live and /healthz/ready answer. Ready: this silo is Active in the membership and Redis
/// (membership, grain state, reminders) answers a PING. Live: the watchdog's last beat is recent (the scheduler
/// runs grain calls) and no running unit has been silent past the stall limit (the worker loop makes progress).
/// </summary>
public sealed class SiloHealthChecks(
    ILocalSiloDetails localSilo,
    IClusterMembershipService membership,
    SiloHeartbeat heartbeat,
    UnitProgressBoard units,
    RedisProbe redis,
    IOptions<SiloHealthOptions> options)
{
    public SiloHealthReport Live()
    {
        var settings = options.Value;
        var age = heartbeat.Age;
        if (age > settings.LiveTimeout)
        {
            return new SiloHealthReport(false, string.Create(
                CultureInfo.InvariantCulture,
                $"no heartbeat for {age.TotalSeconds:0.0} s (limit {settings.LiveTimeout.TotalSeconds:0} s): the silo's scheduler makes no progress"));
        }

        if (units.StallReason(settings.UnitStallTimeout) is { } stall)
        {
            return new SiloHealthReport(false, stall);
        }

        return new SiloHealthReport(true, string.Create(CultureInfo.InvariantCulture, $"last heartbeat {age.TotalSeconds:0.0} s ago; {units.Count} units running, none stalled"));
    }

    public async Task<SiloHealthReport> ReadyAsync(CancellationToken cancellationToken)
    {
        var status = membership.CurrentSnapshot.GetSiloStatus(localSilo.SiloAddress);
        if (status != SiloStatus.Active)
        {
            return new SiloHealthReport(false, $"silo status {status}, not Active in the cluster");
        }

        var redisProblem = await redis.ProblemAsync(options.Value.RedisTimeout, cancellationToken);
        return redisProblem is null
            ? new SiloHealthReport(true, "active in the cluster; Redis answers")
            : new SiloHealthReport(false, $"Redis does not answer: {redisProblem}");
    }
}
