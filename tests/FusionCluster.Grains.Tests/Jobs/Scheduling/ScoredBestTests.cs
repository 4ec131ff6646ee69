using FusionCluster.Core.Execution;
using FusionCluster.Core.Methods;
using FusionCluster.Grains.Abstractions;
using FusionCluster.Grains.Jobs;
using FusionCluster.Grains.Jobs.Scheduling;

using static FusionCluster.Grains.Tests.Jobs.Scheduling.ScoredJob;

namespace FusionCluster.Grains.Tests.Jobs.Scheduling;

/// <summary>
/// The rules of a scoring job that publishes its best: what each unit writes, and which units' results make up the best's
/// output. Three candidates over two shared units, compared with one reference (<see cref="ScoredJob"/>).
/// </summary>
public sealed class ScoredBestTests
{
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
}
