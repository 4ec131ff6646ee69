using FusionCluster.Grains.Abstractions;
using FusionCluster.Grains.Abstractions.Sweeps;
using FusionCluster.Grains.Jobs;

namespace FusionCluster.Grains.Sweeps.Runs;

/// <summary>
/// The pure steps of a sweep run, like <see cref="Core.Sweeps.SweepTimetable"/> for schedules: given the
/// run and what the cluster reported, the candidates' next states. The grain applies them and makes the calls.
/// </summary>
public static class SweepRunStepper
{
    /// <summary>What <see cref="SweepCandidateStatus.EvaluatedOn"/> says of metrics a scoring job gave, rather than an evaluator's silo.</summary>
    public const string InJob = "in-job";

    /// <summary>Candidates with the same key as an earlier, finished candidate take its merge and metrics.</summary>
    public static IReadOnlyList<SweepCandidateStatus> ShareDuplicates(SweepRunRecord run) =>
        run.Candidates
            .Where(c => c.SameAs is not null && !c.IsFinished && run.Candidates[c.SameAs.Value].IsFinished)
            .Select(c =>
            {
                var source = run.Candidates[c.SameAs!.Value];
                return c with
                {
                    State = source.State,
                    Cached = true,
                    Metrics = source.Metrics,
                    Objective = source.Objective,
                    Error = source.Error,
                    EvaluatedOn = source.EvaluatedOn,
                    Unpublished = source.Unpublished,
                };
            })
            .ToList();

    /// <summary>
    /// Pending distinct candidates, in order, while fewer than <paramref name="maxConcurrent"/> merge or
    /// evaluate: a merge already published (<paramref name="isPublished"/> of its key) goes straight to
    /// evaluation, the others to merging under the job id <see cref="JobId"/> gives. A connect sweep
    /// (<paramref name="merges"/> false) has nothing to merge: its points go straight to their evaluation.
    /// </summary>
    public static IReadOnlyList<SweepCandidateStatus> LaunchMerges(SweepRunRecord run, int maxConcurrent, Func<string, bool> isPublished, string sweepId, bool merges = true)
    {
        var active = run.Candidates.Count(c => c.SameAs is null && c.State is CandidateState.Merging or CandidateState.Evaluating);
        var launched = new List<SweepCandidateStatus>();
        foreach (var candidate in run.Candidates.Where(c => c.State == CandidateState.Pending && c.SameAs is null))
        {
            if (active >= maxConcurrent)
            {
                break;
            }

            active++;
            launched.Add(!merges
                ? candidate with { State = CandidateState.Evaluating }
                : isPublished(candidate.CacheKey)
                ? candidate with { State = CandidateState.Evaluating, Cached = true }
                : candidate with { State = CandidateState.Merging, JobId = JobId(sweepId, run.Number, candidate.Index) });
        }

        return launched;
    }

    public static string JobId(string sweepId, int run, int candidate) => $"sweep-{sweepId}-{run}-{candidate}";

    /// <summary>What a merging candidate becomes given its job's status; <see cref="MergeProgress.Restart"/> when the start never reached the job.</summary>
    public static MergeProgress AfterMergeStatus(SweepCandidateStatus candidate, JobStatus status) => status.State switch
    {
        JobState.Succeeded => new MergeProgress(candidate with { State = CandidateState.Evaluating, MergeSeconds = status.ElapsedSeconds }, false),
        JobState.Failed or JobState.Cancelled => new MergeProgress(
            candidate with { State = CandidateState.Failed, Error = $"merge job {candidate.JobId} {status.State.ToString().ToLowerInvariant()}: {status.Error}" }, false),
        // The start never reached the job (its silo went down first): start it again.
        JobState.Pending when status.SubmittedAt == default => new MergeProgress(null, true),
        _ => new MergeProgress(null, false),
    };

    /// <summary>
    /// What a candidate of a run that publishes only its best becomes when its job ended: scored in-job (its
    /// metrics from the job, nothing written: <see cref="SweepCandidateStatus.Unpublished"/>, unless the job published it
    /// as its best: <see cref="CandidateStatus.Published"/>), or, when its job
    /// published it as one of the best, done with the metrics it was scored with.
    /// </summary>
    /// <param name="own">The candidate's own outcome in its job; null while the job runs.</param>
    public static SweepCandidateStatus? AfterScoringJob(SweepCandidateStatus candidate, JobStatus job, CandidateStatus? own, string metric)
    {
        if (!job.IsFinished)
        {
            return null;
        }

        var state = own?.State ?? job.State;
        if (state != JobState.Succeeded)
        {
            return candidate with { State = CandidateState.Failed, Error = $"merge job {candidate.JobId} {state.ToString().ToLowerInvariant()}: {own?.Error ?? job.Error}" };
        }

        if (!SweepMergeBatches.IsScoring(candidate))
        {
            // One of the best, merged again and now published: scored already, with the bits evaluating it would give.
            return candidate with { State = CandidateState.Done, Unpublished = false, MergeSeconds = candidate.MergeSeconds + job.ElapsedSeconds };
        }

        var metrics = own?.Metrics ?? new Dictionary<string, double>();
        // The job's best, when it published it (OutputScoring.PublishBest), is written: no second merge.
        var scored = candidate with { Metrics = metrics, MergeSeconds = job.ElapsedSeconds, EvaluatedOn = InJob, Unpublished = own?.Published != true, EvaluationAttempts = 1 };
        return metrics.TryGetValue(metric, out var value)
            ? scored with { State = CandidateState.Done, Objective = value }
            : scored with
            {
                State = CandidateState.Failed,
                Error = $"the evaluator reported no metric '{metric}' (it reported: {string.Join(", ", metrics.Keys.Order(StringComparer.Ordinal))})",
            };
    }

    /// <summary>
    /// A pending point of a run that publishes only its best whose in-job metrics the evaluation cache holds (under its
    /// <see cref="SweepCandidateStatus.ScoreKey"/>): done with them, neither merged nor scored; published when a merge of
    /// its key already is (<paramref name="isPublished"/>). Null when they lack the objective metric: it is scored again.
    /// </summary>
    public static SweepCandidateStatus? FromCachedScore(SweepCandidateStatus candidate, IReadOnlyDictionary<string, double> metrics, string metric, bool isPublished) =>
        metrics.TryGetValue(metric, out var value)
            ? candidate with
            {
                State = CandidateState.Done,
                Metrics = metrics,
                Objective = value,
                EvaluatedOn = InJob,
                EvaluationCached = true,
                Cached = isPublished,
                Unpublished = !isPublished,
            }
            : null;

    /// <summary>
    /// Once every merge of a run that publishes only its best has been scored: the best <paramref name="keep"/> by the
    /// objective (ties to the lower index, as the leaderboard) that are not published yet, to be merged and published.
    /// Empty while any is still pending, merging or evaluating, and once the best are published.
    /// </summary>
    public static IReadOnlyList<SweepCandidateStatus> Winners(SweepRunRecord run, Core.Sweeps.SweepObjective objective, int keep)
    {
        if (run.Candidates.Any(c => !c.IsFinished))
        {
            return [];
        }

        var ranked = objective.Rank(run.Candidates.Select(c => c.State == CandidateState.Done && !c.Baseline && c.SameAs is null ? c.Objective : null).ToList());
        return ranked.Take(keep).Select(i => run.Candidates[i]).Where(c => c.Unpublished).ToList();
    }

    /// <summary>
    /// What an evaluating candidate becomes: no outcome (the silo could not try) is retried up to
    /// <paramref name="maxAttempts"/>; an evaluator error, or no value for the objective metric, fails it.
    /// </summary>
    public static SweepCandidateStatus AfterEvaluation(
        SweepCandidateStatus candidate, EvaluationOutcome? outcome, string? failure, string workerName, string metric, int maxAttempts)
    {
        if (outcome is null)
        {
            var attempts = candidate.EvaluationAttempts + 1;
            return attempts >= maxAttempts
                ? candidate with { State = CandidateState.Failed, EvaluationAttempts = attempts, Error = $"evaluation could not run ({attempts} attempts), last on {workerName}: {failure}" }
                : candidate with { EvaluationAttempts = attempts };
        }

        if (outcome.Error is not null)
        {
            return candidate with { State = CandidateState.Failed, EvaluatedOn = outcome.Silo, Error = $"evaluation failed: {outcome.Error}" };
        }

        if (!outcome.Metrics.TryGetValue(metric, out var value))
        {
            return candidate with
            {
                State = CandidateState.Failed,
                Metrics = outcome.Metrics,
                EvaluatedOn = outcome.Silo,
                Error = $"the evaluator reported no metric '{metric}' (it reported: {string.Join(", ", outcome.Metrics.Keys.Order(StringComparer.Ordinal))})",
            };
        }

        return candidate with
        {
            State = CandidateState.Done,
            Metrics = outcome.Metrics,
            Objective = value,
            EvaluatedOn = outcome.Silo,
            EvaluationSeconds = outcome.Seconds,
            EvaluationAttempts = candidate.EvaluationAttempts + 1,
            EvaluationCached = outcome.Cached,
        };
    }

    /// <summary>Round robin over the worker silos in a stable (key) order; null when there are none.</summary>
    public static WorkerSilo? Evaluator(IReadOnlyList<WorkerSilo> silos, int turn) =>
        silos.Count == 0 ? null : silos.OrderBy(s => s.Key, StringComparer.Ordinal).ElementAt(turn % silos.Count);
}
