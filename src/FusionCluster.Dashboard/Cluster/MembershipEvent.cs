namespace FusionCluster.Dashboard.Cluster;

/// <summary>One change of the cluster's membership: a silo joined, left gracefully or was declared dead.</summary>
public sealed record MembershipEvent(DateTimeOffset At, string Silo, SiloRowState What, string Detail)
{
    public string WhatText => What switch
    {
        SiloRowState.Active => "joined",
        SiloRowState.Left => "left",
        SiloRowState.Dead => "declared dead",
        SiloRowState.ShuttingDown => "shutting down",
        _ => What.ToString().ToLowerInvariant(),
    };
}
