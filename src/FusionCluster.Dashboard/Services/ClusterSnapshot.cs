using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Dashboard.Services;

/// <summary>The cluster as last polled: its silos and its jobs (newest first).</summary>
/// <param name="Error">Why the last poll failed (friendly and redacted), with the data of the last good poll kept; null when it worked.</param>
public sealed record ClusterSnapshot(IReadOnlyList<SiloInfo> Silos, IReadOnlyList<JobSummary> Jobs, DateTimeOffset At, string? Error)
{
    /// <summary>The membership table's silos, departed ones included (newest change first); empty when it could not be read.</summary>
    public IReadOnlyList<SiloMembership> Membership { get; init; } = [];

    /// <summary>When the cluster last answered; the snapshot's own time when this poll worked.</summary>
    public DateTimeOffset? LastAnsweredAt { get; init; }
}
