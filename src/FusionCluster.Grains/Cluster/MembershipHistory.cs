using FusionCluster.Grains.Abstractions;
using Orleans.Runtime;

namespace FusionCluster.Grains.Cluster;

/// <summary>
/// Reads the membership table's rows as the dashboard's silo history: when each silo started, when it
/// left and why. A silo that shut down writes Dead into its own row and nobody suspected it (graceful);
/// a silo that crashed or was killed is voted dead by others, whose votes (suspect times) stay in its row.
/// </summary>
public static class MembershipHistory
{
    public static IReadOnlyList<SiloMembership> From(IEnumerable<MembershipEntry> entries) =>
        entries.Select(Of).OrderByDescending(m => m.LeftAt ?? m.StartedAt).ThenBy(m => m.Name, StringComparer.Ordinal).ToList();

    public static SiloMembership Of(MembershipEntry entry)
    {
        var suspicions = entry.SuspectTimes ?? [];
        var lastAlive = Utc(entry.IAmAliveTime);
        var dead = entry.Status == SiloStatus.Dead;
        var declared = dead && suspicions.Count > 0;
        var voters = suspicions.Select(s => s.Item1).Distinct().Count();
        DateTimeOffset? leftAt = !dead ? null : declared ? suspicions.Max(s => Utc(s.Item2)) : lastAlive;
        var reason = entry.Status switch
        {
            SiloStatus.Dead when declared => $"declared dead by {voters} silo{(voters == 1 ? "" : "s")}: it stopped answering probes (last heard from {lastAlive:HH:mm:ss} UTC)",
            SiloStatus.Dead => "shut down gracefully",
            SiloStatus.ShuttingDown or SiloStatus.Stopping => "shutting down",
            SiloStatus.Joining or SiloStatus.Created => "joining",
            _ => suspicions.Count > 0 ? $"suspected by {voters} silo{(voters == 1 ? "" : "s")}" : "",
        };
        return new SiloMembership
        {
            Name = entry.SiloName ?? entry.SiloAddress.ToString(),
            Address = entry.SiloAddress.ToString(),
            Status = entry.Status.ToString(),
            StartedAt = Utc(entry.StartTime),
            LeftAt = leftAt,
            Departure = !dead ? SiloDeparture.None : declared ? SiloDeparture.DeclaredDead : SiloDeparture.Graceful,
            Reason = reason,
            LastAliveAt = lastAlive,
        };
    }

    /// <summary>Orleans keeps these as UTC DateTimes; one with an unspecified kind is read as UTC too.</summary>
    private static DateTimeOffset Utc(DateTime time) => new(DateTime.SpecifyKind(time, DateTimeKind.Utc));
}
