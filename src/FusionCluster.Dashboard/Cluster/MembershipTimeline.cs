using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Dashboard.Cluster;

/// <summary>The membership table read as events over the retention window, newest first.</summary>
public static class MembershipTimeline
{
    public const int MaxEvents = 50;

    public static IReadOnlyList<MembershipEvent> Build(IReadOnlyList<SiloMembership> membership, DateTimeOffset now, TimeSpan retention)
    {
        var since = now - retention;
        var events = new List<MembershipEvent>();
        foreach (var member in membership)
        {
            if (member.StartedAt != default && member.StartedAt >= since)
            {
                events.Add(new MembershipEvent(member.StartedAt, member.Name, SiloRowState.Active, member.Address));
            }

            if (member.LeftAt is { } left && left >= since)
            {
                events.Add(new MembershipEvent(left, member.Name, SiloRows.StateOf(member), member.Reason));
            }
        }

        return events.OrderByDescending(e => e.At).ThenBy(e => e.Silo, StringComparer.Ordinal).Take(MaxEvents).ToList();
    }
}
