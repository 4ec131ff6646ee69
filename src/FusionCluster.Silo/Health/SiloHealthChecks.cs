using Microsoft.Extensions.Options;
using Orleans.Runtime;
using System.Globalization;

namespace FusionCluster.Silo.Health;

/// <summary>
/// What /healthz/live and /healthz/ready answer. Ready: this silo is Active in the membership and Redis
/// (membership, grain state, reminders) answers a PING. Live: the watchdog's last beat is recent.
/// </summary>
public sealed class SiloHealthChecks(
    ILocalSiloDetails localSilo,
    IClusterMembershipService membership,
    SiloHeartbeat heartbeat,
    RedisProbe redis,
    IOptions<SiloHealthOptions> options)
{
    public SiloHealthReport Live()
    {
        var age = heartbeat.Age;
        return age <= options.Value.LiveTimeout
            ? new SiloHealthReport(true, string.Create(CultureInfo.InvariantCulture, $"last heartbeat {age.TotalSeconds:0.0} s ago"))
            : new SiloHealthReport(false, string.Create(
                CultureInfo.InvariantCulture,
                $"no heartbeat for {age.TotalSeconds:0.0} s (limit {options.Value.LiveTimeout.TotalSeconds:0} s): the silo's scheduler makes no progress"));
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
