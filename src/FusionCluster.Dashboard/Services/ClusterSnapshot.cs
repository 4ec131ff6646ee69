using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Dashboard.Services;

/// <summary>The cluster as last polled: its silos and its jobs (newest first).</summary>
/// <param name="Error">Why the last poll failed (redacted), with the data of the last good poll kept; null when it worked.</param>
public sealed record ClusterSnapshot(IReadOnlyList<SiloInfo> Silos, IReadOnlyList<JobSummary> Jobs, DateTimeOffset At, string? Error);
