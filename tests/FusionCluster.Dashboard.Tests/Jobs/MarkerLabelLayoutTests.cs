using FusionCluster.Dashboard.Jobs;

namespace FusionCluster.Dashboard.Tests.Jobs;

public sealed class MarkerLabelLayoutTests
{
    // Labels are 6.5 units a character with 3 between a line and its label and between labels:
    // "submitted" (9 characters) at 140 spans 143-201.5; "merge phase starts" (18) at 142 spans 145-262.
    [Fact]
    public void Of_two_close_markers_the_left_ones_label_goes_up_so_its_line_passes_left_of_the_other_label()
    {
        var placed = MarkerLabelLayout.Place([(140, "submitted"), (142, "merge phase starts"), (600, "last unit ends")], 1000);

        // "submitted" below "merge phase starts" would be crossed by the latter's line at 142 (inside 143-201.5 less the
        // gap); above it, its own line at 140 runs down left of 145-262.
        Assert.Equal([1, 0, 0], placed.Select(p => p.Row));
        Assert.All(placed, p => Assert.False(p.EndsAtMarker));
        Assert.Equal([140.0, 142.0, 600.0], placed.Select(p => p.X));
    }

    [Fact]
    public void A_label_takes_the_lowest_row_it_clears_and_a_gap_is_kept_between_labels()
    {
        // Each label is 13 wide: "ab" at 0 spans 3-16, "cd" at 30 spans 33-46, "ef" at 49 spans 52-65.
        var placed = MarkerLabelLayout.Place([(0, "ab"), (30, "cd"), (49, "ef"), (48.9, "gh")], 1000);

        // From the right: "ef" row 0. "gh" (51.9-64.9) overlaps it: row 1. "cd" clears "ef" in row 0, but the line of
        // "gh" at 48.9 runs down 2.9 after its end, inside the gap: not row 0; in row 1 it ends 5.9 before "gh": row 1.
        // "ab" is far from the rest: row 0.
        Assert.Equal([0, 1, 0, 1], placed.Select(p => p.Row));
    }

    [Fact]
    public void A_label_that_would_pass_the_right_edge_ends_at_its_marker()
    {
        // "last unit ends" (14 characters, 91 wide) from 950 would reach 1044; it ends at 947 instead, clear of "x" at 800.
        var placed = MarkerLabelLayout.Place([(800, "x"), (950, "last unit ends")], 1000);

        Assert.Equal([(0, false), (0, true)], placed.Select(p => (p.Row, p.EndsAtMarker)));
    }

    [Fact]
    public void No_label_overlaps_another_of_its_row_and_no_line_runs_through_a_label_below_its_own()
    {
        var random = new Random(7);
        string[] names = ["submitted", "merge phase starts", "scoring phase starts", "best phase starts", "last unit ends"];
        for (var trial = 0; trial < 500; trial++)
        {
            var markers = Enumerable.Range(0, random.Next(1, 6))
                .Select(_ => (X: 140 + (random.NextDouble() * random.Next(1, 40)), Label: names[random.Next(names.Length)]))
                .ToList();

            var placed = MarkerLabelLayout.Place(markers, 1000);

            foreach (var a in placed)
            {
                foreach (var b in placed.Where(b => !ReferenceEquals(a, b)))
                {
                    var (from, to) = Span(b);
                    if (a.Row == b.Row)
                    {
                        var (aFrom, aTo) = Span(a);
                        Assert.True(aTo <= from || aFrom >= to, $"trial {trial}: '{a.Label}' and '{b.Label}' overlap in row {a.Row}");
                    }
                    else if (a.Row > b.Row)
                    {
                        Assert.False(a.X > from && a.X < to, $"trial {trial}: the line of '{a.Label}' at {a.X} crosses '{b.Label}' ({from}-{to})");
                    }
                }
            }
        }

        static (double From, double To) Span(PlacedMarkerLabel label)
        {
            var width = label.Label.Length * MarkerLabelLayout.CharacterWidth;
            return label.EndsAtMarker ? (label.X - MarkerLabelLayout.Gap - width, label.X - MarkerLabelLayout.Gap) : (label.X + MarkerLabelLayout.Gap, label.X + MarkerLabelLayout.Gap + width);
        }
    }
}
