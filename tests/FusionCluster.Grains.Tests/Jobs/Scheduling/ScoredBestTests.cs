using FusionCluster.Core.Execution;
using FusionCluster.Core.Methods;
using FusionCluster.Core.Planning;
using FusionCluster.Core.Sweeps;
using FusionCluster.Evaluation.Evaluators;
using FusionCluster.Grains.Abstractions;
using FusionCluster.Grains.Jobs;
using FusionCluster.Grains.Jobs.Scheduling;

namespace FusionCluster.Grains.Tests.Jobs.Scheduling;

/// <summary>
/// The rules of a scoring job that publishes its best: the leader by the scores so far, what each unit writes, and
/// which units' results make up the best's output. Three candidates over two shared units, compared with one reference.
/// </summary>
public sealed class ScoredBestTests
{
    private static readonly OutputScoring Scoring = new(["r"], ["/models/r"], null);
    private static readonly SweepObjective MaxCosine = new("cosine/r", ObjectiveDirection.Maximize);
    private static readonly MergePlan Plan = SharedInputPlanner.Plan([Candidate(0), Candidate(1), Candidate(2)]);
    private static readonly List<CandidateStatus> Running = [.. Enumerable.Range(0, 3).Select(i => new CandidateStatus($"c{i}", $"/out/c{i}", JobState.Running, null))];

    [Fact]
    public void The_leader_is_first_by_the_objective_ties_to_the_lower_index_and_candidates_that_failed_are_not_ranked()
    {
        // Against r = (1, 0): candidate 0 = (1, 0) and candidate 2 = (2, 0) have cosine 1, candidate 1 = (0, 1) cosine 0.
        var scored = Unit([1, 0], [0, 1], [2, 0], reference: [1, 0]).Members;

        Assert.Equal(0, ScoredBest.Leader(Plan, Running, scored, Scoring, MaxCosine));
        Assert.Equal(1, ScoredBest.Leader(Plan, Running, scored, Scoring, MaxCosine with { Direction = ObjectiveDirection.Minimize }));

        // Candidate 0 failed in a unit: candidate 2 leads. Candidate 2 failed too, before any unit: candidate 1 is left.
        var failing = scored.Select(m => m.Candidate == 0 ? m with { Error = "density must be in [0, 1]" } : m).ToList();
        Assert.Equal(2, ScoredBest.Leader(Plan, Running, failing, Scoring, MaxCosine));
        var planningFailed = Running.Select(s => s.Name == "c2" ? s with { State = JobState.Failed } : s).ToList();
        Assert.Equal(1, ScoredBest.Leader(Plan, planningFailed, failing, Scoring, MaxCosine));

        // Nothing scored yet, or no candidate with the metric: no leader.
        Assert.Null(ScoredBest.Leader(Plan, Running, [], Scoring, MaxCosine));
        Assert.Null(ScoredBest.Leader(Plan, Running, scored, Scoring, new SweepObjective("l2_distance/base", ObjectiveDirection.Minimize)));
    }

    [Fact]
    public void The_leader_combines_every_scored_units_sums_so_the_first_units_leader_may_lose()
    {
        // Unit 0 alone: candidate 0 = (1, 0) has cosine 1 with r = (1, 0), candidate 1 = (0.9, 0.1) has 0.9 / sqrt(0.82) = 0.9939.
        var first = Unit([1, 0], [0.9f, 0.1f], [0, 1], reference: [1, 0]);
        Assert.Equal(0, ScoredBest.Leader(Plan, Running, first.Members, Scoring, MaxCosine));

        // With unit 1, where candidate 0 = (0, 1) and candidate 1 = (1, 0) against r = (1, 0), over both units:
        // candidate 0: 1 / sqrt(2 * 2) = 0.5; candidate 1: 1.9 / sqrt(1.82 * 2) = 0.9959; candidate 2: 1 / sqrt(2 * 2) = 0.5.
        var second = Unit([0, 1], [1, 0], [1, 0], reference: [1, 0]);
        Assert.Equal(1, ScoredBest.Leader(Plan, Running, [.. first.Members, .. second.Members], Scoring, MaxCosine));
    }

    [Fact]
    public void A_scoring_unit_writes_the_leader_and_a_best_unit_writes_the_best_only_where_its_scoring_unit_did_not()
    {
        var shared = UnitAssignment.For("job", Plan, Plan.Units[0], "", MergeDevices.Cpu);

        var scoring = ScoredBest.Assign(shared, index: 0, Scoring, leader: 1, scoringResult: null);
        Assert.Equal((0, 1, 3), (scoring.Unit.Index, scoring.WriteCandidate, scoring.Members.Count));
        Assert.Same(Scoring, scoring.Scoring);

        // Unit 2 is the best phase's unit for shared unit 0 (two scoring units before it).
        var wroteBest = new UnitResult(0, 0, 0, 1, []) { Members = [Member(0, 0, written: false), Member(1, 0, written: true), Member(2, 0, written: false)] };
        var nothing = ScoredBest.Assign(shared, index: 2, Scoring, leader: 1, wroteBest);
        Assert.Equal((2, "best layer 0", 0, 0), (nothing.Unit.Index, nothing.Unit.Name, nothing.Members.Count, nothing.Unit.Tensors.Count));
        Assert.Null(nothing.Scoring);

        var wroteOther = new UnitResult(0, 0, 0, 1, []) { Members = [Member(0, 0, written: true), Member(1, 0, written: false), Member(2, 0, written: false)] };
        var rewrite = ScoredBest.Assign(shared, index: 2, Scoring, leader: 1, wroteOther);
        var member = Assert.Single(rewrite.Members);
        Assert.Equal((1, "job-1", 0, "/out/c1"), (member.Candidate, member.JobId, member.Unit.Index, member.OutputLocation));
        Assert.Equal((2, (OutputScoring?)null, (int?)null), (rewrite.Unit.Index, rewrite.Scoring, rewrite.WriteCandidate));

        // No candidate could be ranked: the best phase writes nothing (and the job publishes none).
        Assert.Empty(ScoredBest.Assign(shared, index: 2, Scoring, leader: null, wroteOther).Members);
    }

    [Fact]
    public void The_bests_results_come_each_from_the_unit_that_wrote_it_with_its_scores_or_none_when_a_unit_is_unwritten()
    {
        var scores = Unit([1, 0], [0, 1], [2, 0], reference: [1, 0]).Members.Single(m => m.Candidate == 1).Scores;
        var state = new MergeJobState
        {
            Units =
            [
                Done(new UnitResult(0, 0, 0, 1, []) { Members = [Member(1, 0, written: true) with { Scores = scores }] }),
                Done(new UnitResult(1, 0, 0, 1, []) { Members = [Member(0, 1, written: true), Member(1, 1, written: false) with { Scores = scores }] }),
                Done(new UnitResult(2, 0, 0, 0, [])),
                Done(new UnitResult(3, 0, 0, 0.5, []) { Members = [Member(1, 1, written: false) with { OutputBytes = 40, Seconds = 0.5 }] }),
            ],
        };

        var written = ScoredBest.Written(state, scoringUnits: 2, Plan.Candidates![1], 1)!;

        Assert.Equal([(0, true, 1.0), (1, false, 0.5)], written.Select(r => (r.Unit, r.Written, r.Seconds)));
        Assert.All(written, r => Assert.Same(scores, r.Scores));
        Assert.Equal(40, written[1].OutputBytes);

        // Candidate 0's unit 0 was written by neither; a best unit whose member failed does not count.
        Assert.Null(ScoredBest.Written(state, scoringUnits: 2, Plan.Candidates![0], 0));
        state.Units[3] = Done(new UnitResult(3, 0, 0, 0.5, []) { Members = [Member(1, 1, written: false) with { Error = "disk full" }] });
        Assert.Null(ScoredBest.Written(state, scoringUnits: 2, Plan.Candidates![1], 1));
    }

    [Fact]
    public void Until_a_unit_is_done_one_runs_at_a_time_then_the_requests_cap()
    {
        Assert.Equal(1, ScoredBest.MaxRunning(requested: 4, anyDone: false));
        Assert.Equal(1, ScoredBest.MaxRunning(requested: 0, anyDone: false));
        Assert.Equal(4, ScoredBest.MaxRunning(requested: 4, anyDone: true));
        Assert.Equal(0, ScoredBest.MaxRunning(requested: 0, anyDone: true));
    }

    private static CandidatePlan Candidate(int index) => new($"c{index}", "merge_method: linear", $"/out/c{index}", $"job-{index}")
    {
        Plan = new MergePlan
        {
            Method = "linear",
            ModelPaths = new Dictionary<string, string> { ["a"] = "/models/a" },
            Units = [new WorkUnit { Index = 0, Name = "layer 0", Tensors = [] }, new WorkUnit { Index = 1, Name = "layer 1", Tensors = [] }],
            Shards = [],
        },
    };

    /// <summary>A scoring unit's result: each candidate's one tensor of values, scored against <paramref name="reference"/>.</summary>
    private static UnitResult Unit(float[] candidate0, float[] candidate1, float[] candidate2, float[] reference) => new(0, 0, 0, 1, [])
    {
        Members = [.. new[] { candidate0, candidate1, candidate2 }.Select((values, c) => Member(c, 0, written: false) with { Scores = [Score(values, reference)] })],
    };

    private static TensorScore Score(float[] values, float[] reference)
    {
        var sums = TensorMetricSums.OfTensor(new ArrayTensorSource(values), null, [new ArrayTensorSource(reference)], TestContext.Current.CancellationToken);
        return new TensorScore("w", 0, 0, sums.ToJson());
    }

    private static UnitResult Member(int candidate, int unit, bool written) => new(unit, 0, 0, 1, []) { Candidate = candidate, Written = written };

    private static UnitRecord Done(UnitResult result) => new() { State = UnitState.Done, Result = result };
}
