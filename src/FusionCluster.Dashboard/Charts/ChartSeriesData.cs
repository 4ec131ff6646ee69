namespace FusionCluster.Dashboard.Charts;

/// <summary>One series of a chart (one merge method), drawn in one colour with its own legend entry.</summary>
/// <param name="Reference">A horizontal reference (a sweep's baseline): drawn as a dashed line whatever the chart's Connect.</param>
public sealed record ChartSeriesData(string Name, IReadOnlyList<ChartPoint> Points, bool Reference = false);
