namespace FusionCluster.Grains.Abstractions;

/// <summary>One silo as the cluster's membership table remembers it, departed ones included.</summary>
[GenerateSerializer, Immutable, Alias("fc.SiloMembership")]
public sealed record SiloMembership
{
    [Id(0)] public required string Name { get; init; }

    [Id(1)] public required string Address { get; init; }

    /// <summary>Joining, Active, ShuttingDown, Stopping or Dead (Orleans' silo status).</summary>
    [Id(2)] public required string Status { get; init; }

    [Id(3)] public DateTimeOffset StartedAt { get; init; }

    /// <summary>When it left or was declared dead; null while it is a member.</summary>
    [Id(4)] public DateTimeOffset? LeftAt { get; init; }

    [Id(5)] public SiloDeparture Departure { get; init; }

    /// <summary>Why, in words ("shut down gracefully", "declared dead by 2 silos: no answer to probes").</summary>
    [Id(6)] public string Reason { get; init; } = "";

    /// <summary>The last time the silo itself reported being alive.</summary>
    [Id(7)] public DateTimeOffset LastAliveAt { get; init; }

    public bool IsActive => Status == "Active";
}
