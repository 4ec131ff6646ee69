using FusionCluster.Dashboard.Sweeps;
using FusionCluster.Dashboard.Tests.Fakes;
using FusionCluster.Grains.Abstractions.Sweeps;

namespace FusionCluster.Dashboard.Tests.Sweeps;

public sealed class SweepRunViewTests
{
    [Fact]
    public void A_swept_method_splits_every_parameter_chart_into_one_series_per_method()
    {
        var run = SweepSamples.Run(1) with
        {
            Candidates =
            [
                SweepSamples.Candidate(0, "weight=0.1 merge_method=ties", 0.52),
                SweepSamples.Candidate(1, "weight=0.2 merge_method=ties", 0.61),
                SweepSamples.Candidate(2, "weight=0.1 merge_method=task_arithmetic", 0.70),
                SweepSamples.Candidate(3, "weight=0.2 merge_method=task_arithmetic", 0.83),
            ],
        };

        var weight = new SweepRunView(run).Charts.Single(c => c.Parameter == "weight");

        Assert.Equal(["task_arithmetic", "ties"], weight.Series.Select(s => s.Name));
        Assert.Equal([(0.1, 0.70), (0.2, 0.83)], weight.Series[0].Points.Select(p => (p.X, p.Y)));
        Assert.Null(weight.Categories);
        Assert.True(weight.Connect);
        Assert.Equal("jobs/job-2", weight.Series[0].Points[0].Link);

        var method = new SweepRunView(run).Charts.Single(c => c.Parameter == "merge_method");
        Assert.Equal(["task_arithmetic", "ties"], method.Categories);
        Assert.Equal(2, method.Series.Count);
    }

    [Fact]
    public void A_baseline_is_listed_unranked_among_the_merges_and_drawn_as_a_reference_line_across_each_chart()
    {
        var run = SweepSamples.Run(1) with
        {
            Candidates =
            [
                SweepSamples.Candidate(0, "weight=0.1", 0.52),
                SweepSamples.Candidate(1, "weight=0.3", 0.61),
                SweepSamples.Candidate(2, "baseline: ensemble (mean-probs) of a, b", 0.58) with { Baseline = true, JobId = "" },
            ],
        };

        var view = new SweepRunView(run);
        var table = new LeaderboardTable(view);
        var weight = Assert.Single(view.Charts);

        // Listed by its value between the two merges, but the merges keep ranks 1 and 2.
        Assert.Equal([1, 2, 0], view.Leaderboard.Select(c => c.Index));
        Assert.Equal([1, 0, 2], view.Leaderboard.Select(table.RankOf));
        Assert.Equal(["merge", "baseline: ensemble (mean-probs) of a, b"], weight.Series.Select(s => s.Name));
        Assert.True(weight.Series[1].Reference);
        Assert.Equal([(0.1, 0.58), (0.3, 0.58)], weight.Series[1].Points.Select(p => (p.X, p.Y)));
        Assert.Equal(["0.1", "0.3"], weight.Values);
    }

    [Fact]
    public void A_random_space_is_not_joined()
    {
        var run = SweepSamples.Run(1) with
        {
            Candidates = [SweepSamples.Candidate(0, "weight=0.137", 0.5), SweepSamples.Candidate(1, "weight=0.52", 0.6), SweepSamples.Candidate(2, "weight=0.911", 0.55)],
        };

        Assert.False(Assert.Single(new SweepRunView(run).Charts).Connect);
    }

    [Fact]
    public void A_grid_over_two_parameters_is_not_joined_along_either_but_each_method_of_a_one_parameter_grid_is()
    {
        // Each value of a repeats with both values of b: a line through a's points would zig-zag between b's.
        var run = SweepSamples.Run(1) with
        {
            Candidates =
            [
                SweepSamples.Candidate(0, "a=0.3 b=0.3", 0.5),
                SweepSamples.Candidate(1, "a=0.3 b=0.7", 0.6),
                SweepSamples.Candidate(2, "a=0.7 b=0.3", 0.7),
                SweepSamples.Candidate(3, "a=0.7 b=0.7", 0.8),
            ],
        };

        var charts = new SweepRunView(run).Charts;

        Assert.Equal([("a", false), ("b", false)], charts.Select(c => (c.Parameter, c.Connect)));
        Assert.Equal(4, charts[0].Series.Single().Points.Count);
        // A grid over weight and the method: each method's series has one point per weight (joined), while on the method's
        // axis each series has both of its points at its one category (not joined).
        var methods = SweepSamples.Run(1) with
        {
            Candidates =
            [
                SweepSamples.Candidate(0, "weight=0.1 merge_method=ties", 0.5),
                SweepSamples.Candidate(1, "weight=0.2 merge_method=ties", 0.6),
                SweepSamples.Candidate(2, "weight=0.1 merge_method=linear", 0.7),
                SweepSamples.Candidate(3, "weight=0.2 merge_method=linear", 0.8),
            ],
        };
        Assert.Equal([("merge_method", false), ("weight", true)], new SweepRunView(methods).Charts.Select(c => (c.Parameter, c.Connect)));
    }

    [Fact]
    public void Without_a_swept_method_the_template_method_names_the_series()
    {
        var candidate = SweepSamples.Candidate(0, "weight=0.5", 0.5) with { SpecText = "base_model: base\nmerge_method: dare_ties\nmodels: []\n" };

        Assert.Equal("dare_ties", SweepRunView.MethodOf(candidate));
        Assert.Equal("merge", SweepRunView.MethodOf(candidate with { SpecText = "" }));
    }
}
