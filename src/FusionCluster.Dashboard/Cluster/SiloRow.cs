using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Dashboard.Cluster;

/// <summary>One line of the overview's silo table: an active silo with its load, or one that left, with when and why.</summary>
/// <param name="Info">The silo's profile and load; null for a silo that is no longer active.</param>
/// <param name="Member">Its row in the membership table; null when the table could not be read.</param>
public sealed record SiloRow(string Name, string Address, SiloRowState State, SiloInfo? Info, SiloMembership? Member)
{
    public bool IsDeparted => State is SiloRowState.Left or SiloRowState.Dead;

    public string StateText => State switch
    {
        SiloRowState.Active => "active",
        SiloRowState.Suspected => "not answering",
        SiloRowState.Joining => "joining",
        SiloRowState.ShuttingDown => "shutting down",
        SiloRowState.Left => "left",
        _ => "dead",
    };
}
