using FusionCluster.Dashboard.Sweeps;
using FusionCluster.Dashboard.Tests.Fakes;
using FusionCluster.Grains.Abstractions.Sweeps;

namespace FusionCluster.Dashboard.Tests.Sweeps;

public sealed class RunComparisonTests
{
    [Fact]
    public void Points_are_matched_by_label_and_each_objective_change_is_better_or_worse_in_the_objectives_direction()
    {
        var first = Run(1, true, ("weight=0.3", 0.80), ("weight=0.7", 0.91));
        var second = Run(2, true, ("weight=0.3", 0.84), ("weight=0.7", 0.88), ("weight=0.5", 0.95));

        var comparison = new RunComparison(first, second);

        // The second run's best first; the point only it has has no first value.
        Assert.Equal(["weight=0.5", "weight=0.7", "weight=0.3"], comparison.Points.Select(p => p.Label));
        Assert.Null(comparison.Points[0].First);
        Assert.Equal(DeltaVerdict.None, comparison.Verdict(comparison.Points[0], "accuracy"));
        Assert.Equal(DeltaVerdict.Worse, comparison.Verdict(comparison.Points[1], "accuracy"));
        Assert.Equal(DeltaVerdict.Better, comparison.Verdict(comparison.Points[2], "accuracy"));
        Assert.Equal(-0.03, Delta(comparison, comparison.Points[1], "accuracy"), 12);
        Assert.Equal(0.04, Delta(comparison, comparison.Points[2], "accuracy"), 12);

        var best = comparison.Best;
        Assert.Equal((0.91, 0.95, DeltaVerdict.Better), (best.First, best.Second, best.Verdict));
        Assert.Equal(0.04, best.Delta!.Value, 12);

        var weight = Assert.Single(comparison.Parameters);
        Assert.Equal(["0.3", "0.7"], weight.First);
        Assert.Equal(["0.3", "0.5", "0.7"], weight.Second);
        Assert.True(weight.Differs);
    }

    [Fact]
    public void A_minimized_objective_calls_a_drop_better()
    {
        var comparison = new RunComparison(Run(1, false, ("weight=0.3", 3.5)), Run(2, false, ("weight=0.3", 3.2)));

        Assert.Equal(DeltaVerdict.Better, comparison.Verdict(comparison.Points[0], "accuracy"));
        Assert.Equal(DeltaVerdict.Better, comparison.Best.Verdict);
    }

    [Fact]
    public void Other_metrics_are_marked_changed_or_same_and_a_changed_merge_spec_is_noticed()
    {
        var first = Run(1, true, ("weight=0.3", 0.80), ("weight=0.7", 0.91));
        var second = Run(2, true, ("weight=0.3", 0.80), ("weight=0.7", 0.90));
        second = second with { Candidates = [second.Candidates[0] with { SpecText = "merge_method: ties" }, second.Candidates[1]] };

        var comparison = new RunComparison(first, second);

        Assert.Equal(["accuracy", "loss"], comparison.Metrics);
        var unchanged = comparison.Points.Single(p => p.Label == "weight=0.3");
        var moved = comparison.Points.Single(p => p.Label == "weight=0.7");
        Assert.Equal(DeltaVerdict.Same, comparison.Verdict(unchanged, "loss"));
        Assert.Equal(DeltaVerdict.Changed, comparison.Verdict(moved, "loss"));
        Assert.Equal(0.01, Delta(comparison, moved, "loss"), 12);
        Assert.True(unchanged.SpecChanged);
        Assert.False(moved.SpecChanged);
        Assert.False(Assert.Single(comparison.Parameters).Differs);
    }

    [Fact]
    public void Points_only_the_first_run_has_come_last_and_unevaluated_points_compare_to_nothing()
    {
        var first = Run(1, true, ("weight=0.1", 0.99), ("weight=0.3", 0.80));
        var second = Run(2, true, ("weight=0.3", 0.70), ("weight=0.5", null));

        var comparison = new RunComparison(first, second);

        Assert.Equal(["weight=0.3", "weight=0.1", "weight=0.5"], comparison.Points.Select(p => p.Label));
        Assert.Null(comparison.Points[1].Second);
        Assert.Null(RunComparison.Delta(ComparedPoint.Value(comparison.Points[2].First, "accuracy", "accuracy"), ComparedPoint.Value(comparison.Points[2].Second, "accuracy", "accuracy")));
        Assert.Equal((0.99, 0.70, DeltaVerdict.Worse), (comparison.Best.First, comparison.Best.Second, comparison.Best.Verdict));
    }

    [Fact]
    public void Signed_changes_read_with_a_real_minus_sign()
    {
        Assert.Equal("+0.04", RunComparison.Signed(0.04));
        Assert.Equal("−0.0312", RunComparison.Signed(-0.03123));
        Assert.Equal("±0", RunComparison.Signed(0));
    }

    private static double Delta(RunComparison comparison, ComparedPoint point, string metric) =>
        RunComparison.Delta(ComparedPoint.Value(point.First, metric, comparison.Objective), ComparedPoint.Value(point.Second, metric, comparison.Objective))!.Value;

    internal static SweepRunDetail Run(int number, bool maximize, params (string Label, double? Accuracy)[] points) => SweepSamples.Run(number, maximize) with
    {
        Candidates = [.. points.Select((p, i) => SweepSamples.Candidate(i, p.Label, p.Accuracy) with { SpecText = "merge_method: linear" })],
    };
}
