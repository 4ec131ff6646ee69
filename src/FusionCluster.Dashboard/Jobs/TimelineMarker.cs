namespace FusionCluster.Dashboard.Jobs;

/// <summary>A moment of the job on its timeline (submitted, a phase's first unit, the last unit's end), in seconds since submission.</summary>
public sealed record TimelineMarker(double At, string Label);
