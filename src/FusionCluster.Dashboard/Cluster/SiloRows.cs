using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Dashboard.Cluster;

/// <summary>
/// Joins the active silos (with their load) with the membership table, so a silo that leaves or dies stays
/// listed for the retention window, saying when and why, instead of vanishing.
/// </summary>
public static class SiloRows
{
    public static IReadOnlyList<SiloRow> Build(IReadOnlyList<SiloInfo> active, IReadOnlyList<SiloMembership> membership, DateTimeOffset now, TimeSpan retention)
    {
        var byAddress = new Dictionary<string, SiloMembership>(StringComparer.Ordinal);
        foreach (var member in membership)
        {
            byAddress.TryAdd(member.Address, member);
        }

        var rows = new List<SiloRow>();
        var shown = new HashSet<string>(StringComparer.Ordinal);
        foreach (var silo in active)
        {
            var member = byAddress.GetValueOrDefault(silo.Address);
            rows.Add(new SiloRow(silo.Name, silo.Address, member is null ? SiloRowState.Active : StateOf(member), silo, member));
            shown.Add(silo.Address);
        }

        foreach (var member in membership)
        {
            if (shown.Contains(member.Address) || member.IsActive || (member.LeftAt is { } left && now - left > retention))
            {
                continue;
            }

            rows.Add(new SiloRow(member.Name, member.Address, StateOf(member), null, member));
            shown.Add(member.Address);
        }

        // Active first (by name), then the departed, most recent first.
        return rows.OrderBy(r => r.IsDeparted).ThenByDescending(r => r.IsDeparted ? r.Member?.LeftAt ?? DateTimeOffset.MinValue : DateTimeOffset.MinValue)
            .ThenBy(r => r.Name, StringComparer.Ordinal).ToList();
    }

    public static SiloRowState StateOf(SiloMembership member) => member.Status switch
    {
        "Dead" => member.Departure == SiloDeparture.Graceful ? SiloRowState.Left : SiloRowState.Dead,
        "ShuttingDown" or "Stopping" => SiloRowState.ShuttingDown,
        "Joining" or "Created" => SiloRowState.Joining,
        _ => member.Reason.StartsWith("suspected", StringComparison.Ordinal) ? SiloRowState.Suspected : SiloRowState.Active,
    };
}
