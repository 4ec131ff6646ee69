namespace FusionCluster.Dashboard.Charts;

/// <summary>One point: X is the value (or the category's index on a categorical axis); Label is its tooltip.</summary>
public sealed record ChartPoint(double X, double Y, string Label, string? Link = null);
