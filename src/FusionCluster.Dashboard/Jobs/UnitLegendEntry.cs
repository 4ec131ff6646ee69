namespace FusionCluster.Dashboard.Jobs;

/// <summary>One swatch of the unit grid's legend: what it means, its colour (a CSS class or a colour) and how many cells have it.</summary>
public sealed record UnitLegendEntry(string Label, string CssClass, string? Colour, int Count);
