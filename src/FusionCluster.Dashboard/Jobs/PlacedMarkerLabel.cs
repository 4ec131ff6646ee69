namespace FusionCluster.Dashboard.Jobs;

/// <summary>
/// Where a timeline marker's label is drawn: <paramref name="Row"/> rows above the plot (0 nearest), starting just right
/// of the marker's line, or ending just left of it when <paramref name="EndsAtMarker"/> (a label that would run past
/// the chart's right edge).
/// </summary>
public sealed record PlacedMarkerLabel(double X, string Label, int Row, bool EndsAtMarker);
