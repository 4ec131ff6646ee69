namespace FusionCluster.Cli.Commands;

/// <summary>
/// One row of <c>fusion bench sweep</c>'s table: seconds on the embedded silo (with its process's peak RSS) and, when a
/// cluster was given, on the cluster (with every local silo's peak RSS). Null where the row does not apply.
/// </summary>
public sealed record BenchSweepRow(string What, double? Embedded, string EmbeddedMemory = "", double? Cluster = null, string ClusterMemory = "");
