namespace FusionCluster.Dashboard.Charts;

/// <summary>One bar of a <c>BarChart</c>: a reference (a baseline to judge the others by) is drawn hatched.</summary>
public sealed record ChartBar(string Label, double Value, bool Reference);
