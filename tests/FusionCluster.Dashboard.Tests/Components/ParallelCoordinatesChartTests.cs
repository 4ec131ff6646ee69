using System.Globalization;
using FusionCluster.Dashboard.Components.Shared;
using FusionCluster.Dashboard.Sweeps;
using FusionCluster.Dashboard.Tests.Fakes;

namespace FusionCluster.Dashboard.Tests.Components;

public sealed class ParallelCoordinatesChartTests : DashboardTestContext
{
    [Fact]
    public void Every_merge_crosses_every_axis_at_its_value_and_the_best_is_drawn_bold_on_top()
    {
        var run = SweepSamples.Run(1) with
        {
            Candidates =
            [
                SweepSamples.Candidate(0, "weight=0.2 merge_method=ties", 0.5),
                SweepSamples.Candidate(1, "weight=0.4 merge_method=ties", 0.7),
                SweepSamples.Candidate(2, "weight=0.2 merge_method=dare", 0.9),
            ],
        };

        var chart = Render<ParallelCoordinatesChart>(p => p.Add(x => x.Chart, new ParallelCoordinates(run)));

        Assert.Equal(["merge_method", "weight", "accuracy"], chart.FindAll(".parallel-axis").Select(a => a.GetAttribute("data-axis")));
        var lines = chart.FindAll("polyline.parallel-line");
        Assert.Equal(3, lines.Count);

        // Drawn last, so on top; three points, one per axis; dare (index 0 on merge_method) at the bottom of that axis.
        var best = lines[^1];
        Assert.Contains("parallel-best", best.ClassName, StringComparison.Ordinal);
        Assert.Equal("#2 weight=0.2 merge_method=dare", best.GetAttribute("data-label"));
        var points = Points(best);
        Assert.Equal(3, points.Count);
        var (bottom, top) = (points[0].Y, points[2].Y);
        Assert.True(bottom > top, "the best accuracy sits at the top of its axis, dare at the bottom of merge_method");
        Assert.Equal(["dare", "ties", "bold: the best merge"], chart.FindAll(".chart-legend .legend-item").Select(l => l.TextContent));
    }

    [Fact]
    public void A_merge_that_sets_no_value_for_a_parameter_breaks_its_line_there()
    {
        var run = SweepSamples.Run(1) with
        {
            Candidates =
            [
                SweepSamples.Candidate(0, "alpha=1 beta=2 gamma=3", 0.5),
                SweepSamples.Candidate(1, "alpha=2 gamma=4", 0.7),
                SweepSamples.Candidate(2, "alpha=3 beta=1 gamma=5", 0.6),
            ],
        };

        var chart = Render<ParallelCoordinatesChart>(p => p.Add(x => x.Chart, new ParallelCoordinates(run)));

        // alpha alone (beta missing on its right) is a dot; gamma to accuracy a line.
        Assert.Single(chart.FindAll("circle.parallel-dot[data-label='#1 alpha=2 gamma=4']"));
        Assert.Equal(2, Points(chart.Find("polyline[data-label='#1 alpha=2 gamma=4']")).Count);
        Assert.Equal(4, Points(chart.Find("polyline[data-label='#0 alpha=1 beta=2 gamma=3']")).Count);
    }

    private static List<(double X, double Y)> Points(AngleSharp.Dom.IElement line) =>
        [.. line.GetAttribute("points")!.Split(' ').Select(p => p.Split(',')).Select(p => (double.Parse(p[0], CultureInfo.InvariantCulture), double.Parse(p[1], CultureInfo.InvariantCulture)))];
}
