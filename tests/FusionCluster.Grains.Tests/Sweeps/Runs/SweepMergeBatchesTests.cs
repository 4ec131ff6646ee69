using FusionCluster.Grains.Abstractions;
using FusionCluster.Grains.Abstractions.Sweeps;
using FusionCluster.Grains.Sweeps;
using FusionCluster.Grains.Sweeps.Runs;

namespace FusionCluster.Grains.Tests.Sweeps.Runs;

/// <summary>Which of a run's merges share one shared-input job, and what that job's outcome means for each.</summary>
public sealed class SweepMergeBatchesTests
{
    [Fact]
    public void Merges_launched_together_share_the_first_ones_job_and_the_rest_keep_theirs()
    {
        var launched = new[]
        {
            Candidate(1, CandidateState.Evaluating) with { Cached = true },
            Candidate(3, CandidateState.Merging) with { JobId = "sweep-nightly-4-3" },
            Candidate(5, CandidateState.Merging) with { JobId = "sweep-nightly-4-5" },
        };

        var shared = SweepMergeBatches.Share(launched, "nightly", 4);

        Assert.Equal(["", "sweep-nightly-4-3-shared", "sweep-nightly-4-3-shared"], shared.Select(c => c.JobId));
        Assert.Equal(launched.Select(c => (c.Index, c.State)), shared.Select(c => (c.Index, c.State)));
    }

    [Fact]
    public void A_merge_launched_alone_keeps_its_own_job()
    {
        var launched = new[] { Candidate(3, CandidateState.Merging) with { JobId = "sweep-nightly-4-3" } };

        Assert.Same(launched, SweepMergeBatches.Share(launched, "nightly", 4));
    }

    [Fact]
    public void Merges_whose_jobs_align_or_compute_statistics_keep_their_own_jobs()
    {
        var aligning = Linear + "align: {method: weight_matching}\n";
        var regmean = "merge_method: regmean\nmodels:\n  - {model: a, dataset: a.fcds}\n  - {model: b, dataset: b.fcds}\n";
        var launched = new[]
        {
            Candidate(0, CandidateState.Merging) with { JobId = "j-0" },
            Candidate(1, CandidateState.Merging, aligning) with { JobId = "j-1" },
            Candidate(2, CandidateState.Merging, regmean) with { JobId = "j-2" },
            Candidate(3, CandidateState.Merging) with { JobId = "j-3" },
        };

        var shared = SweepMergeBatches.Share(launched, "nightly", 4);

        Assert.Equal(["sweep-nightly-4-0-shared", "j-1", "j-2", "sweep-nightly-4-0-shared"], shared.Select(c => c.JobId));
    }

    [Fact]
    public void The_candidates_of_a_job_are_the_merging_ones_with_its_id()
    {
        var run = new SweepRunRecord
        {
            Number = 4,
            Candidates =
            [
                Candidate(0, CandidateState.Merging) with { JobId = "j-shared" },
                Candidate(1, CandidateState.Merging) with { JobId = "other" },
                Candidate(2, CandidateState.Failed) with { JobId = "j-shared" },
                Candidate(3, CandidateState.Merging) with { JobId = "j-shared" },
            ],
        };

        Assert.Equal([0, 3], SweepMergeBatches.JobOf(run, run.Candidates[3]).Select(c => c.Index));
        Assert.Equal([1], SweepMergeBatches.JobOf(run, run.Candidates[1]).Select(c => c.Index));
    }

    [Fact]
    public void A_scoring_job_publishes_its_best_itself_only_when_it_holds_every_merge_the_run_ranks_and_the_run_keeps_one()
    {
        var run = new SweepRunRecord
        {
            Number = 4,
            Candidates =
            [
                Candidate(0, CandidateState.Merging),
                Candidate(1, CandidateState.Merging),
                Candidate(2, CandidateState.Pending) with { SameAs = 0 },
                Candidate(3, CandidateState.Evaluating) with { Baseline = true },
            ],
        };

        // Duplicates and baselines are not ranked among the merges: the job of 0 and 1 has every one that is.
        Assert.True(SweepMergeBatches.PublishesBest(run, [run.Candidates[0], run.Candidates[1]], keep: 1));
        Assert.True(SweepMergeBatches.PublishesBest(run, [run.Candidates[0], run.Candidates[1]], keep: 3));
        Assert.False(SweepMergeBatches.PublishesBest(run, [run.Candidates[0], run.Candidates[1]], keep: 0));

        // A merge outside the job (launched later under max_concurrent, or done in an earlier step) may be the best.
        Assert.False(SweepMergeBatches.PublishesBest(run, [run.Candidates[0]], keep: 1));
        run.Candidates.Add(Candidate(4, CandidateState.Done));
        Assert.False(SweepMergeBatches.PublishesBest(run, [run.Candidates[0], run.Candidates[1]], keep: 1));
    }

    [Fact]
    public void A_finished_shared_job_gives_each_candidate_its_own_outcome()
    {
        var job = new JobStatus
        {
            State = JobState.Succeeded,
            ElapsedSeconds = 30,
            Candidates = [new CandidateStatus("3", "/out/3", JobState.Succeeded, null), new CandidateStatus("5", "/out/5", JobState.Failed, "5: density must be in [0, 1]")],
        };

        var published = SweepRunStepper.AfterMergeStatus(Candidate(3, CandidateState.Merging), SweepMergeBatches.ForCandidate(job, Candidate(3, CandidateState.Merging)));
        var failed = SweepRunStepper.AfterMergeStatus(Candidate(5, CandidateState.Merging), SweepMergeBatches.ForCandidate(job, Candidate(5, CandidateState.Merging)));

        Assert.Equal((CandidateState.Evaluating, 30.0), (published.Updated!.State, published.Updated.MergeSeconds));
        Assert.Equal(CandidateState.Failed, failed.Updated!.State);
        Assert.Contains("density must be in [0, 1]", failed.Updated.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_running_shared_job_keeps_its_candidates_merging()
    {
        var job = new JobStatus { State = JobState.Running, SubmittedAt = DateTimeOffset.UnixEpoch, Candidates = [new CandidateStatus("3", "/out/3", JobState.Failed, "3: bad")] };

        var progress = SweepRunStepper.AfterMergeStatus(Candidate(3, CandidateState.Merging), SweepMergeBatches.ForCandidate(job, Candidate(3, CandidateState.Merging)));

        Assert.Null(progress.Updated);
        Assert.False(progress.Restart);
    }

    private const string Linear = "merge_method: linear\nmodels:\n  - {model: a, parameters: {weight: 0.5}}\n  - {model: b, parameters: {weight: 0.5}}\n";

    private static SweepCandidateStatus Candidate(int index, CandidateState state, string specText = Linear) =>
        new() { Index = index, Label = $"p{index}", State = state, CacheKey = $"key-{index}", SpecText = specText };
}
