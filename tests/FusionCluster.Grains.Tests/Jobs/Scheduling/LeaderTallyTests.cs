using FusionCluster.Core.Execution;
using FusionCluster.Core.Methods;
using FusionCluster.Core.Sweeps;
using FusionCluster.Evaluation.Evaluators;
using FusionCluster.Grains.Abstractions;
using FusionCluster.Grains.Jobs;
using FusionCluster.Grains.Jobs.Scheduling;
using static FusionCluster.Grains.Tests.Jobs.Scheduling.ScoredJob;

namespace FusionCluster.Grains.Tests.Jobs.Scheduling;

/// <summary>The leader of a scoring job that publishes its best, by the units done so far (<see cref="ScoredJob"/>).</summary>
public sealed class LeaderTallyTests
{
    private static readonly SweepObjective MinCosine = MaxCosine with { Direction = ObjectiveDirection.Minimize };

    [Fact]
    public void The_leader_is_first_by_the_objective_ties_to_the_lower_index_and_candidates_that_failed_are_not_ranked()
    {
        // Against r = (1, 0): candidate 0 = (1, 0) and candidate 2 = (2, 0) have cosine 1, candidate 1 = (0, 1) cosine 0.
        var scored = Unit([1, 0], [0, 1], [2, 0], reference: [1, 0]);
        Assert.Equal(0, Tally(scored).Leader(Running, MaxCosine));
        Assert.Equal(1, Tally(scored).Leader(Running, MinCosine));

        // Candidate 0 failed in a unit: candidate 2 leads. Candidate 2 failed too, before any unit: candidate 1 is left.
        var failing = scored with { Members = [.. scored.Members.Select(m => m.Candidate == 0 ? m with { Scores = [], Error = "density must be in [0, 1]" } : m)] };
        Assert.Equal(2, Tally(failing).Leader(Running, MaxCosine));
        var planningFailed = Running.Select(s => s.Name == "c2" ? s with { State = JobState.Failed } : s).ToList();
        Assert.Equal(1, Tally(failing).Leader(planningFailed, MaxCosine));

        // Nothing done yet (a unit still running has no result), or no candidate with the metric: no leader.
        Assert.Null(Tally().Leader(Running, MaxCosine));
        var running = new LeaderTally(Plan, Scoring);
        running.Count([new UnitRecord { State = UnitState.Running }]);
        Assert.Null(running.Leader(Running, MaxCosine));
        Assert.Null(Tally(scored).Leader(Running, new SweepObjective("l2_distance/base", ObjectiveDirection.Minimize)));
    }

    [Fact]
    public void Each_done_unit_joins_the_totals_once_so_the_first_units_leader_may_lose()
    {
        // Unit 0 alone: candidate 0 = (1, 0) has cosine 1 with r = (1, 0), candidate 1 = (0.9, 0.1) has 0.9 / sqrt(0.82) = 0.9939.
        var first = Unit([1, 0], [0.9f, 0.1f], [0, 1], reference: [1, 0]);
        var tally = Tally(first);
        Assert.Equal(0, tally.Leader(Running, MaxCosine));

        // With unit 1, where candidate 0 = (0, 1) and candidates 1 and 2 = (1, 0) against r = (1, 0), over both units:
        // candidate 0: 1 / sqrt(2 * 2) = 0.5; candidate 1: 1.9 / sqrt(1.82 * 2) = 0.9959; candidate 2: 1 / sqrt(2 * 2) = 0.5.
        // Unit 0, asked for again, is not added again: counted twice, candidate 0 would have 2 / sqrt(3 * 3) = 0.667 and
        // candidate 2 lead the lowest cosine with 1 / sqrt(3 * 3) = 0.333, where candidate 0 ties it and wins by its index.
        var second = Unit([0, 1], [1, 0], [1, 0], reference: [1, 0]);
        tally.Count([Done(first), Done(second)]);
        Assert.Equal(1, tally.Leader(Running, MaxCosine));
        Assert.Equal(0, tally.Leader(Running, MinCosine));
    }

    [Fact]
    public void Once_every_scoring_unit_is_counted_the_leader_is_ranked_by_the_final_metrics_the_publisher_ranks_by()
    {
        // Against r = 0, each tensor one value: its squared distance is the value squared, exact in float32 and float64.
        // Candidate 0: t0 = 2^30 (distance² 2^60) and sixteen small tensors of 10 (100 each); candidate 1: t0 = 2^30, the
        // small ones 0; candidate 2 far off. In the written file's order (t0 first) each 100 added to 2^60 rounds away in
        // float64 (ulp 256): candidate 0's distance is 2^30, a tie that it wins by its index. Unit 0 (the small tensors)
        // counted before unit 1 (t0) gives 1,600 + 2^60 = 2^60 + 1,536 instead, and the totals alone rank candidate 1 first.
        var minDistance = new SweepObjective("l2_distance/r", ObjectiveDirection.Minimize);
        float big = 1 << 30;
        var small = Enumerable.Range(1, 16).Select(t => ($"t{t}", 4L * t)).ToArray();
        var unit0 = new UnitResult(0, 0, 0, 1, [])
        {
            Members = [.. new[] { 10f, 0f, 0f }.Select((value, c) => Scored(c, 0, [.. small.Select(t => (t.Item1, t.Item2, value))]))],
        };
        var unit1 = new UnitResult(1, 0, 0, 1, []) { Members = [.. new[] { big, big, 2 * big }.Select((value, c) => Scored(c, 1, [("t0", 0L, value)]))] };

        var tally = new LeaderTally(Plan, Scoring);
        tally.Count([Done(unit0)]);
        tally.Count([Done(unit0), Done(unit1)]);

        Assert.Equal(0, tally.Leader(Running, minDistance));
    }

    /// <summary>A member of unit <paramref name="unit"/> whose tensors (name, offset in shard 0, one value) are scored against r = 0.</summary>
    private static UnitResult Scored(int candidate, int unit, (string Tensor, long Offset, float Value)[] tensors) =>
        Member(candidate, unit, written: false) with
        {
            Scores = [.. tensors.Select(t => new TensorScore(t.Tensor, 0, t.Offset, TensorMetricSums.OfTensor(
                new ArrayTensorSource([t.Value]), null, [new ArrayTensorSource([0f])], TestContext.Current.CancellationToken).ToJson()))],
        };

    private static LeaderTally Tally(params UnitResult[] done)
    {
        var tally = new LeaderTally(Plan, Scoring);
        tally.Count([.. done.Select(Done)]);
        return tally;
    }
}
