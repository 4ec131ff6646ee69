using FusionCluster.Dashboard.Jobs;

namespace FusionCluster.Dashboard.Tests.Jobs;

public sealed class MarkerLabelLayoutTests
{
    // Labels are 6.5 units a character with 3 between a line and its label and between labels:
    // "submitted" (9 characters) at 140 spans 143-201.5; "merge phase starts" (18) at 142 spans 145-262.
    [Fact]
    public void Labels_of_markers_close_together_go_to_separate_rows()
    {
        var placed = MarkerLabelLayout.Place([(140, "submitted"), (142, "merge phase starts"), (600, "last unit ends")], 1000);

        Assert.Equal([0, 1, 0], placed.Select(p => p.Row));
        Assert.All(placed, p => Assert.False(p.EndsAtMarker));
        Assert.Equal([140.0, 142.0, 600.0], placed.Select(p => p.X));
    }

    [Fact]
    public void A_label_takes_the_lowest_row_it_clears_and_a_gap_is_kept_between_labels()
    {
        // "ab" spans x+3 to x+16; the next label must start at least 3 after that.
        var placed = MarkerLabelLayout.Place([(0, "ab"), (5, "cd"), (16, "ef"), (15.9, "gh")], 1000);

        // "cd" (8-21) overlaps "ab" (3-16): row 1. "ef" (19-32) clears "ab" by exactly the gap: row 0, and overlaps "cd".
        // "gh" (18.9-31.9) is 2.9 after "ab": not in row 0, overlaps "cd" in row 1 and "ef" in row 0: row 2.
        Assert.Equal([0, 1, 0, 2], placed.Select(p => p.Row));
    }

    [Fact]
    public void A_label_that_would_pass_the_right_edge_ends_at_its_marker()
    {
        // "last unit ends" (14 characters, 91 wide) from 950 would reach 1044; it ends at 947 instead, clear of "x" at 800.
        var placed = MarkerLabelLayout.Place([(800, "x"), (950, "last unit ends")], 1000);

        Assert.Equal([(0, false), (0, true)], placed.Select(p => (p.Row, p.EndsAtMarker)));
    }
}
