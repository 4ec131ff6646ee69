using FusionCluster.Grains.Abstractions;
using FusionCluster.Grains.Abstractions.Sweeps;
using FusionCluster.Grains.Jobs;
using FusionCluster.Grains.Sweeps;
using FusionCluster.Grains.Sweeps.Runs;

namespace FusionCluster.Grains.Tests.Sweeps.Runs;

/// <summary>The pure steps of a run: sharing duplicates, launching within max_concurrent, merge and evaluation outcomes, evaluator choice.</summary>
public sealed class SweepRunStepperTests
{
    private static readonly Dictionary<string, double> Metrics = new() { ["cosine"] = 0.9, ["l2"] = 3 };

    [Fact]
    public void A_duplicate_takes_its_sources_result_once_the_source_is_finished()
    {
        var run = Run(
            Candidate(0, CandidateState.Done) with { Metrics = Metrics, Objective = 0.9, EvaluatedOn = "silo-a" },
            Candidate(1, CandidateState.Pending) with { SameAs = 0 },
            Candidate(2, CandidateState.Merging),
            Candidate(3, CandidateState.Pending) with { SameAs = 2 });

        var shared = Assert.Single(SweepRunStepper.ShareDuplicates(run));

        Assert.Equal(1, shared.Index);
        Assert.Equal((CandidateState.Done, true, 0.9, "silo-a"), (shared.State, shared.Cached, shared.Objective, shared.EvaluatedOn));
        Assert.Same(Metrics, shared.Metrics);
    }

    [Fact]
    public void Merges_launch_in_order_while_fewer_than_max_concurrent_are_active_and_published_ones_skip_merging()
    {
        var run = Run(
            Candidate(0, CandidateState.Evaluating),
            Candidate(1, CandidateState.Pending) with { CacheKey = "published" },
            Candidate(2, CandidateState.Pending) with { SameAs = 1 },
            Candidate(3, CandidateState.Pending) with { CacheKey = "new" },
            Candidate(4, CandidateState.Pending) with { CacheKey = "later" });
        run.Number = 4;

        // One slot left beside candidate 0: only candidate 1 goes, straight to evaluation.
        var one = Assert.Single(SweepRunStepper.LaunchMerges(run, maxConcurrent: 2, key => key == "published", "nightly"));
        Assert.Equal((1, CandidateState.Evaluating, true, ""), (one.Index, one.State, one.Cached, one.JobId));

        // Two slots left: candidate 3 merges under its own job id; the duplicate 2 waits for its source.
        var two = SweepRunStepper.LaunchMerges(run, maxConcurrent: 3, key => key == "published", "nightly");
        Assert.Equal([1, 3], two.Select(c => c.Index));
        Assert.Equal((CandidateState.Merging, false, "sweep-nightly-4-3"), (two[1].State, two[1].Cached, two[1].JobId));
    }

    [Fact]
    public void Connect_points_go_straight_to_evaluation_without_a_job_or_the_cached_mark()
    {
        var run = Run(
            Candidate(0, CandidateState.Evaluating),
            Candidate(1, CandidateState.Pending),
            Candidate(2, CandidateState.Pending) with { SameAs = 1 },
            Candidate(3, CandidateState.Pending),
            Candidate(4, CandidateState.Pending));

        var launched = SweepRunStepper.LaunchMerges(run, maxConcurrent: 3, key => true, "nightly", merges: false);

        Assert.Equal([(1, CandidateState.Evaluating, false, ""), (3, CandidateState.Evaluating, false, "")], launched.Select(c => (c.Index, c.State, c.Cached, c.JobId)));
    }

    [Fact]
    public void A_merge_job_status_moves_the_candidate_or_asks_for_a_restart()
    {
        var merging = Candidate(2, CandidateState.Merging) with { JobId = "job-2" };

        var succeeded = SweepRunStepper.AfterMergeStatus(merging, new JobStatus { State = JobState.Succeeded, ElapsedSeconds = 12.5, SubmittedAt = DateTimeOffset.UnixEpoch });
        Assert.Equal((CandidateState.Evaluating, 12.5), (succeeded.Updated!.State, succeeded.Updated.MergeSeconds));

        var failed = SweepRunStepper.AfterMergeStatus(merging, new JobStatus { State = JobState.Cancelled, Error = "cancelled", SubmittedAt = DateTimeOffset.UnixEpoch });
        Assert.Equal((CandidateState.Failed, "merge job job-2 cancelled: cancelled"), (failed.Updated!.State, failed.Updated.Error));

        Assert.Equal(new MergeProgress(null, true), SweepRunStepper.AfterMergeStatus(merging, new JobStatus { State = JobState.Pending }));
        Assert.Equal(new MergeProgress(null, false), SweepRunStepper.AfterMergeStatus(merging, new JobStatus { State = JobState.Running, SubmittedAt = DateTimeOffset.UnixEpoch }));
    }

    [Fact]
    public void An_evaluation_that_could_not_run_is_retried_until_the_attempts_run_out()
    {
        var evaluating = Candidate(0, CandidateState.Evaluating);

        var retry = SweepRunStepper.AfterEvaluation(evaluating, null, "timeout", "silo-a", "cosine", maxAttempts: 2);
        Assert.Equal((CandidateState.Evaluating, 1), (retry.State, retry.EvaluationAttempts));

        var given = SweepRunStepper.AfterEvaluation(retry, null, "timeout", "silo-b", "cosine", maxAttempts: 2);
        Assert.Equal(CandidateState.Failed, given.State);
        Assert.Equal("evaluation could not run (2 attempts), last on silo-b: timeout", given.Error);
    }

    [Fact]
    public void An_evaluation_result_finishes_the_candidate_or_fails_it_with_the_reason()
    {
        var evaluating = Candidate(0, CandidateState.Evaluating);

        var done = SweepRunStepper.AfterEvaluation(evaluating, new EvaluationOutcome { Metrics = Metrics, Silo = "silo-a", Seconds = 4 }, null, "silo-a", "cosine", 3);
        Assert.Equal((CandidateState.Done, (double?)0.9, "silo-a", 4.0, 1), (done.State, done.Objective, done.EvaluatedOn, done.EvaluationSeconds, done.EvaluationAttempts));

        var missing = SweepRunStepper.AfterEvaluation(evaluating, new EvaluationOutcome { Metrics = Metrics, Silo = "silo-a" }, null, "silo-a", "accuracy", 3);
        Assert.Equal((CandidateState.Failed, "the evaluator reported no metric 'accuracy' (it reported: cosine, l2)"), (missing.State, missing.Error));

        var error = SweepRunStepper.AfterEvaluation(evaluating, new EvaluationOutcome { Error = "no such folder", Silo = "silo-a" }, null, "silo-a", "cosine", 3);
        Assert.Equal((CandidateState.Failed, "evaluation failed: no such folder"), (error.State, error.Error));
    }

    [Fact]
    public void A_result_from_the_evaluation_cache_finishes_the_candidate_marked_cached()
    {
        var evaluating = Candidate(0, CandidateState.Evaluating);

        var cached = SweepRunStepper.AfterEvaluation(evaluating, new EvaluationOutcome { Metrics = Metrics, Silo = "silo-a", Cached = true }, null, "silo-a", "cosine", 3);
        var fresh = SweepRunStepper.AfterEvaluation(evaluating, new EvaluationOutcome { Metrics = Metrics, Silo = "silo-a" }, null, "silo-a", "cosine", 3);

        Assert.Equal((CandidateState.Done, (double?)0.9, true), (cached.State, cached.Objective, cached.EvaluationCached));
        Assert.False(fresh.EvaluationCached);
    }

    [Fact]
    public void Evaluators_are_chosen_round_robin_in_key_order()
    {
        var b = new WorkerSilo("key-b", "b", 1);
        var a = new WorkerSilo("key-a", "a", 1);

        Assert.Equal(["a", "b", "a"], Enumerable.Range(0, 3).Select(turn => SweepRunStepper.Evaluator([b, a], turn)!.Name));
        Assert.Null(SweepRunStepper.Evaluator([], 0));
    }

    [Fact]
    public void A_scoring_jobs_candidate_is_done_unpublished_unless_the_job_published_it_as_its_best()
    {
        var job = new JobStatus { State = JobState.Succeeded, ElapsedSeconds = 12 };
        var scoring = Candidate(1, CandidateState.Merging) with { JobId = "sweep-nightly-4-0-scored" };
        var scored = new CandidateStatus("1", "/out/1", JobState.Succeeded, null, Metrics);

        var unpublished = SweepRunStepper.AfterScoringJob(scoring, job, scored, "cosine")!;
        var published = SweepRunStepper.AfterScoringJob(scoring, job, scored with { Published = true }, "cosine")!;

        Assert.Equal((CandidateState.Done, true, 0.9, 12.0, "in-job"), (unpublished.State, unpublished.Unpublished, unpublished.Objective, unpublished.MergeSeconds, unpublished.EvaluatedOn));
        Assert.Equal((CandidateState.Done, false, 0.9, 12.0, "in-job"), (published.State, published.Unpublished, published.Objective, published.MergeSeconds, published.EvaluatedOn));
    }

    [Fact]
    public void A_cached_score_finishes_the_point_unmerged_and_published_only_when_its_merge_is()
    {
        var pending = Candidate(2, CandidateState.Pending) with { ScoreKey = "score-2" };

        var unpublished = SweepRunStepper.FromCachedScore(pending, Metrics, "cosine", isPublished: false)!;
        var published = SweepRunStepper.FromCachedScore(pending, Metrics, "cosine", isPublished: true)!;

        Assert.Equal((CandidateState.Done, (double?)0.9, true, true, false, ""), (unpublished.State, unpublished.Objective, unpublished.EvaluationCached, unpublished.Unpublished, unpublished.Cached, unpublished.JobId));
        Assert.Same(Metrics, unpublished.Metrics);
        Assert.Equal((CandidateState.Done, false, true), (published.State, published.Unpublished, published.Cached));

        // Metrics without the objective (the sweep's objective changed since): the point is scored again.
        Assert.Null(SweepRunStepper.FromCachedScore(pending, Metrics, "accuracy", isPublished: false));
    }

    private static SweepCandidateStatus Candidate(int index, CandidateState state) => new() { Index = index, Label = $"p{index}", State = state, CacheKey = $"key-{index}" };

    private static SweepRunRecord Run(params SweepCandidateStatus[] candidates) => new() { Number = 1, State = SweepRunState.Running, Candidates = [.. candidates] };
}
