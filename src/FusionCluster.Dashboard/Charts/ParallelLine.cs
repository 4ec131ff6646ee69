namespace FusionCluster.Dashboard.Charts;

/// <summary>
/// One candidate across a parallel-coordinates chart: its fraction on each axis (null where it sets no value
/// for that parameter), its series (merge method) and whether it is the run's best.
/// </summary>
public sealed record ParallelLine(string Label, string Series, IReadOnlyList<double?> Fractions, double Objective, bool Best, string? Link);
