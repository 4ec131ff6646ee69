namespace FusionCluster.Dashboard.Charts;

/// <summary>One series of a chart (one merge method), drawn in one colour with its own legend entry.</summary>
public sealed record ChartSeriesData(string Name, IReadOnlyList<ChartPoint> Points);
