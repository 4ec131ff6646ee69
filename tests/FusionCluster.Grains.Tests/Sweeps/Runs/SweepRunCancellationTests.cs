using FusionCluster.Core.Sweeps;
using FusionCluster.Grains.Abstractions.Sweeps;
using FusionCluster.Grains.Sweeps;
using FusionCluster.Grains.Sweeps.Runs;

namespace FusionCluster.Grains.Tests.Sweeps.Runs;

/// <summary>What cancelling a run changes: its state, each point's, the partial leaderboard, and the jobs to cancel.</summary>
public sealed class SweepRunCancellationTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 11, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Unfinished_points_are_left_pending_done_ones_are_ranked_and_each_merging_job_is_named_once()
    {
        var run = new SweepRunRecord
        {
            Number = 4,
            State = SweepRunState.Running,
            Candidates =
            [
                Point(0, CandidateState.Done, objective: 0.4),
                Point(1, CandidateState.Merging, job: "job-a"),
                Point(2, CandidateState.Merging, job: "job-a"),
                Point(3, CandidateState.Evaluating),
                Point(4, CandidateState.Done, objective: 0.9),
                Point(5, CandidateState.Failed) with { Error = "bad density" },
                Point(6, CandidateState.Pending),
                Point(7, CandidateState.Merging, job: "job-b"),
                Point(8, CandidateState.Done, objective: 0.95) with { Baseline = true },
            ],
        };

        var jobs = SweepRunCancellation.Cancel(run, new SweepObjective("accuracy", ObjectiveDirection.Maximize), Now);

        Assert.Equal(["job-a", "job-b"], jobs);
        Assert.Equal(SweepRunState.Cancelled, run.State);
        Assert.Equal(Now, run.FinishedAt);
        Assert.Equal("cancelled: 3 of 9 points done", run.Error);
        Assert.Equal(
            [CandidateState.Done, CandidateState.Pending, CandidateState.Pending, CandidateState.Pending, CandidateState.Done, CandidateState.Failed, CandidateState.Pending, CandidateState.Pending, CandidateState.Done],
            run.Candidates.Select(c => c.State));
        Assert.Equal("bad density", run.Candidates[5].Error);
        // The baseline is listed, never ranked.
        Assert.Equal([4, 0], run.Leaderboard);
        Assert.False(run.IsActive);
    }

    [Fact]
    public void A_scored_point_being_written_as_one_of_the_best_keeps_its_score_unpublished()
    {
        var run = new SweepRunRecord
        {
            Number = 1,
            State = SweepRunState.Running,
            Candidates =
            [
                Point(0, CandidateState.Merging, job: "sweep-1-0-best", objective: 0.2) with { Unpublished = true },
                Point(1, CandidateState.Done, objective: 0.1) with { Unpublished = true },
            ],
        };

        var jobs = SweepRunCancellation.Cancel(run, new SweepObjective("loss", ObjectiveDirection.Minimize), Now);

        Assert.Equal(["sweep-1-0-best"], jobs);
        Assert.All(run.Candidates, c => Assert.Equal(CandidateState.Done, c.State));
        Assert.True(run.Candidates[0].Unpublished);
        Assert.Equal([1, 0], run.Leaderboard);
        Assert.Equal("cancelled: 2 of 2 points done", run.Error);
    }

    [Fact]
    public void A_duplicate_of_a_done_point_is_done_and_a_pending_point_keeps_nothing_of_a_merge_that_did_not_end()
    {
        var run = new SweepRunRecord
        {
            Number = 5,
            State = SweepRunState.Running,
            Candidates =
            [
                Point(0, CandidateState.Done, objective: 0.6),
                Point(1, CandidateState.Pending) with { SameAs = 0 },
                Point(2, CandidateState.Evaluating, job: "job-c", objective: null) with { MergeOutput = "/out/merges/k2", Cached = true, MergeSeconds = 3, EvaluationAttempts = 1 },
            ],
        };

        var jobs = SweepRunCancellation.Cancel(run, new SweepObjective("accuracy", ObjectiveDirection.Maximize), Now);

        Assert.Empty(jobs);
        Assert.Equal((CandidateState.Done, (double?)0.6, true), (run.Candidates[1].State, run.Candidates[1].Objective, run.Candidates[1].Cached));
        var notRun = run.Candidates[2];
        Assert.Equal((CandidateState.Pending, "", "", false, 0.0, 0), (notRun.State, notRun.JobId, notRun.MergeOutput, notRun.Cached, notRun.MergeSeconds, notRun.EvaluationAttempts));
        Assert.Equal([0, 1], run.Leaderboard);
        Assert.Equal("cancelled: 2 of 3 points done", run.Error);
    }

    [Fact]
    public void A_run_still_preparing_has_no_objective_yet_and_a_run_that_ended_cannot_be_cancelled()
    {
        var preparing = new SweepRunRecord { Number = 2, State = SweepRunState.Preparing };

        Assert.Empty(SweepRunCancellation.Cancel(preparing, objective: null, Now));
        Assert.Equal((SweepRunState.Cancelled, "cancelled while it was being prepared"), (preparing.State, preparing.Error));

        var ended = new SweepRunRecord { Number = 3, State = SweepRunState.Succeeded };
        var refused = Assert.Throws<InvalidOperationException>(() => SweepRunCancellation.Cancel(ended, objective: null, Now));
        Assert.Equal("run 3 has ended (succeeded)", refused.Message);
    }

    private static SweepCandidateStatus Point(int index, CandidateState state, string job = "", double? objective = null) => new()
    {
        Index = index,
        Label = $"p{index}",
        State = state,
        JobId = job,
        Objective = objective,
    };
}
