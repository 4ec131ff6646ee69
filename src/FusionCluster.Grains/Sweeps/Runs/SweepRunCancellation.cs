using FusionCluster.Core.Sweeps;
using FusionCluster.Grains.Abstractions.Sweeps;

namespace FusionCluster.Grains.Sweeps.Runs;

/// <summary>What cancelling a sweep run while it goes changes (<see cref="SweepGrain.CancelRun"/> applies it).</summary>
public static class SweepRunCancellation
{
    /// <summary>
    /// Ends the active <paramref name="run"/> as cancelled at <paramref name="now"/>: a point scored already and only being
    /// written as one of the best stays done with its score (unpublished), a duplicate whose twin is done is done, every
    /// other unfinished point is left pending (not run: it did not fail, and the next run merges it), and the points done
    /// so far are ranked by <paramref name="objective"/> when it is known (shown, never promoted).
    /// Returns the merge jobs the run's points were merging in, for the caller to cancel.
    /// </summary>
    public static IReadOnlyList<string> Cancel(SweepRunRecord run, SweepObjective? objective, DateTimeOffset now)
    {
        if (!run.IsActive)
        {
            throw new InvalidOperationException($"run {run.Number} has ended ({run.State.ToString().ToLowerInvariant()})");
        }

        var jobs = MergingJobs(run);
        for (var i = 0; i < run.Candidates.Count; i++)
        {
            if (IsScoredWinner(run.Candidates[i]))
            {
                run.Candidates[i] = run.Candidates[i] with { State = CandidateState.Done };
            }
        }

        // A duplicate whose twin is done is done too, as the next step would have made it.
        foreach (var shared in SweepRunStepper.ShareDuplicates(run))
        {
            run.Candidates[shared.Index] = shared;
        }

        for (var i = 0; i < run.Candidates.Count; i++)
        {
            if (!run.Candidates[i].IsFinished)
            {
                run.Candidates[i] = NotRun(run.Candidates[i]);
            }
        }

        if (objective is not null)
        {
            run.Leaderboard = SweepPromotion.Rank(run, objective);
        }

        var done = run.Candidates.Count(c => c.State == CandidateState.Done);
        run.State = SweepRunState.Cancelled;
        run.FinishedAt = now;
        run.Error = run.Candidates.Count == 0
            ? "cancelled while it was being prepared"
            : $"cancelled: {done} of {run.Candidates.Count} point{(run.Candidates.Count == 1 ? "" : "s")} done";
        return jobs;
    }

    /// <summary>The merge jobs the run's points are merging in, each once.</summary>
    public static IReadOnlyList<string> MergingJobs(SweepRunRecord run) =>
        run.Candidates
            .Where(c => c.State == CandidateState.Merging && c.JobId.Length > 0)
            .Select(c => c.JobId)
            .Distinct(StringComparer.Ordinal)
            .ToList();

    /// <summary>The point as before it was launched: nothing of a merge or an evaluation that did not end is kept.</summary>
    private static SweepCandidateStatus NotRun(SweepCandidateStatus candidate) => candidate with
    {
        State = CandidateState.Pending,
        JobId = "",
        MergeOutput = "",
        Cached = false,
        MergeSeconds = 0,
        EvaluationAttempts = 0,
    };

    /// <summary>A point whose score its scoring job gave and which is being merged again only to be published (<see cref="SweepRunStepper.Winners"/>).</summary>
    private static bool IsScoredWinner(SweepCandidateStatus candidate) =>
        candidate.State == CandidateState.Merging && candidate.Unpublished && candidate.Objective is not null;
}
