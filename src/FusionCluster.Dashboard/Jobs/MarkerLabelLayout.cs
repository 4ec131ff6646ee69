namespace FusionCluster.Dashboard.Jobs;

/// <summary>
/// Lays out the labels of a timeline's markers so that no label overlaps another and no marker's line (drawn from its
/// label down to the plot) crosses a label below it: markers of a short job sit a few pixels apart (submitted, the merge
/// phase's first unit). Labels are placed from the rightmost marker leftwards, each in the lowest row where it clears
/// the labels of that row, no higher marker's line runs through it, and its own line runs through no label below it;
/// so close markers climb in a stair from right to left, each line passing left of the labels beneath it.
/// </summary>
public static class MarkerLabelLayout
{
    /// <summary>A character's width at the timeline's 11-unit font, rounded up so a guess errs towards another row.</summary>
    public const double CharacterWidth = 6.5;

    /// <summary>Between a marker's line and its label, and between two labels of a row.</summary>
    public const double Gap = 3;

    /// <param name="markers">Each marker's x (the chart's units) and label, in the order they are drawn.</param>
    /// <param name="right">The chart's right edge: a label that would pass it ends at its marker instead.</param>
    /// <returns>The labels in the order of <paramref name="markers"/>.</returns>
    public static IReadOnlyList<PlacedMarkerLabel> Place(IReadOnlyList<(double X, string Label)> markers, double right)
    {
        ArgumentNullException.ThrowIfNull(markers);
        var placed = new PlacedMarkerLabel[markers.Count];
        var spans = new List<(double X, double From, double To, int Row)>();
        foreach (var i in Enumerable.Range(0, markers.Count).OrderByDescending(i => markers[i].X))
        {
            var (x, label) = markers[i];
            var width = label.Length * CharacterWidth;
            var endsAtMarker = x + Gap + width > right;
            var (from, to) = endsAtMarker ? (x - Gap - width, x - Gap) : (x + Gap, x + Gap + width);
            var rows = spans.Count == 0 ? 1 : spans.Max(s => s.Row) + 2;
            var row = Enumerable.Range(0, rows).FirstOrDefault(r => ClearsRow(r) && !CrossedByLineAbove(r) && !CrossesLabelBelow(r), -1);
            if (row < 0)
            {
                // Only a label that ends at its marker can hold a line left of it; then crossing a line is the lesser harm.
                row = Enumerable.Range(0, rows).First(ClearsRow);
            }

            spans.Add((x, from, to, row));
            placed[i] = new PlacedMarkerLabel(x, label, row, endsAtMarker);

            bool ClearsRow(int r) => spans.TrueForAll(s => s.Row != r || to + Gap <= s.From || from >= s.To + Gap);

            bool CrossedByLineAbove(int r) => spans.Exists(s => s.Row > r && s.X > from - Gap && s.X < to + Gap);

            bool CrossesLabelBelow(int r) => spans.Exists(s => s.Row < r && x > s.From - Gap && x < s.To + Gap);
        }

        return placed;
    }
}
