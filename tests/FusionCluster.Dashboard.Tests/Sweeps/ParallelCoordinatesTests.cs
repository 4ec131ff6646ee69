using FusionCluster.Dashboard.Sweeps;
using FusionCluster.Dashboard.Tests.Fakes;

namespace FusionCluster.Dashboard.Tests.Sweeps;

public sealed class ParallelCoordinatesTests
{
    [Fact]
    public void Each_parameter_is_an_axis_the_objective_the_last_and_every_merge_a_line_through_its_values()
    {
        var run = SweepSamples.Run(1) with
        {
            Candidates =
            [
                SweepSamples.Candidate(0, "weight=0.2 merge_method=ties", 0.5),
                SweepSamples.Candidate(1, "weight=0.4 merge_method=ties", 0.7),
                SweepSamples.Candidate(2, "weight=0.2 merge_method=dare", 0.9),
                SweepSamples.Candidate(3, "weight=0.4 merge_method=dare", 0.6),
            ],
        };

        var chart = new ParallelCoordinates(run);

        Assert.Equal(["merge_method", "weight", "accuracy"], chart.Axes.Select(a => a.Name));
        Assert.Equal(2, chart.Parameters);
        Assert.Equal(["dare", "ties"], chart.Axes[0].Categories);
        Assert.Equal(["dare", "ties"], chart.Series);

        // weight 0.2..0.4 fits exactly (step 0.05); accuracy 0.5..0.9 (step 0.1): 0.7 is half-way up.
        Assert.Equal([1.0, 1.0, 0.5], Fractions(chart.Lines[1]));
        Assert.Equal([0.0, 0.0, 1.0], Fractions(chart.Lines[2]));
        Assert.Equal([false, false, true, false], chart.Lines.Select(l => l.Best));
        Assert.Equal("dare", chart.Lines[2].Series);
        Assert.Equal("jobs/job-2", chart.Lines[2].Link);
    }

    [Fact]
    public void A_minimized_objective_makes_the_lowest_the_best_and_baselines_and_unscored_points_draw_no_line()
    {
        var run = SweepSamples.Run(1, maximize: false) with
        {
            Candidates =
            [
                SweepSamples.Candidate(0, "weight=0.2 density=0.5", 3.0),
                SweepSamples.Candidate(1, "weight=0.4", 2.0),
                SweepSamples.Candidate(2, "weight=0.6 density=0.9", null),
                SweepSamples.Candidate(3, "base", 4.0) with { Baseline = true },
            ],
        };

        var chart = new ParallelCoordinates(run);

        Assert.Equal(["density", "weight", "accuracy"], chart.Axes.Select(a => a.Name));
        Assert.Equal(2, chart.Lines.Count);
        Assert.True(chart.Lines.Single(l => l.Label == "#1 weight=0.4").Best);

        // The point that sets no density has no place on that axis.
        Assert.Null(chart.Lines[1].Fractions[0]);
    }

    private static double[] Fractions(Dashboard.Charts.ParallelLine line) => [.. line.Fractions.Select(f => Math.Round(f!.Value, 9))];
}
