namespace FusionCluster.Dashboard.Jobs;

/// <summary>One silo's band of rows on the job timeline (one row per unit it ran at the same time).</summary>
public sealed record TimelineLane(string Silo, int FirstRow, int Rows);
