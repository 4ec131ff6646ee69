namespace FusionCluster.Dashboard.Jobs;

/// <summary>
/// Lays out the labels of a timeline's markers so none overlaps another: markers of a short job sit a few pixels apart
/// (submitted, the merge phase's first unit), and their labels were drawn over each other. Each label takes the
/// lowest row where it clears every label already placed there.
/// </summary>
public static class MarkerLabelLayout
{
    /// <summary>A character's width at the timeline's 11-unit font, rounded up so a guess errs towards another row.</summary>
    public const double CharacterWidth = 6.5;

    /// <summary>Between a marker's line and its label, and between two labels of a row.</summary>
    public const double Gap = 3;

    /// <param name="markers">Each marker's x (the chart's units) and label, in the order they are drawn.</param>
    /// <param name="right">The chart's right edge: a label that would pass it ends at its marker instead.</param>
    public static IReadOnlyList<PlacedMarkerLabel> Place(IReadOnlyList<(double X, string Label)> markers, double right)
    {
        ArgumentNullException.ThrowIfNull(markers);
        var rows = new List<List<(double From, double To)>>();
        var placed = new List<PlacedMarkerLabel>(markers.Count);
        foreach (var (x, label) in markers)
        {
            var width = label.Length * CharacterWidth;
            var endsAtMarker = x + Gap + width > right;
            var (from, to) = endsAtMarker ? (x - Gap - width, x - Gap) : (x + Gap, x + Gap + width);
            var row = rows.FindIndex(spans => spans.TrueForAll(s => to + Gap <= s.From || from >= s.To + Gap));
            if (row < 0)
            {
                row = rows.Count;
                rows.Add([]);
            }

            rows[row].Add((from, to));
            placed.Add(new PlacedMarkerLabel(x, label, row, endsAtMarker));
        }

        return placed;
    }
}
