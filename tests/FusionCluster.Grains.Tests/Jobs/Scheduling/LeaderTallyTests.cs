using FusionCluster.Core.Execution;
using FusionCluster.Core.Sweeps;
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

    private static LeaderTally Tally(params UnitResult[] done)
    {
        var tally = new LeaderTally(Plan, Scoring);
        tally.Count([.. done.Select(Done)]);
        return tally;
    }
}
