using System.Globalization;
using System.Text.Json;
using FusionCluster.Core.Formats;
using FusionCluster.Core.Specs;
using FusionCluster.Core.Storage;
using FusionCluster.Core.Sweeps;
using FusionCluster.Grains.Abstractions;
using FusionCluster.Grains.Abstractions.Sweeps;
using FusionCluster.Grains.Jobs;
using FusionCluster.Grains.Sweeps.Evaluations;
using Microsoft.Extensions.Logging;

namespace FusionCluster.Grains.Sweeps.Runs;

/// <summary>
/// Prepares a sweep run, moves its candidates along by calling merge jobs and evaluators (applying what
/// <see cref="SweepRunStepper"/> decides), and writes its results when it ends. The sweep grain keeps
/// saving, scheduling and the pump. Owned by one sweep grain activation and called on its scheduler
/// only, so its calls and their continuations interleave but never run in parallel.
/// </summary>
/// <param name="findActiveRun">The run with this number if it is still going (a reply may come after it ended).</param>
/// <param name="changed">Marks the sweep's state as changed, to be saved.</param>
/// <param name="stepNow">
/// Asks the grain for a step of the run at once: a merge job or an evaluation ended, so the next step (scoring's
/// winners, finishing) need not wait for the pump's next check. The pump still checks, so nothing depends on it.
/// </param>
/// <param name="evaluationCache">The cluster's evaluation cache (Redis); null on one machine, where a sweep's is a folder of its output.</param>
public sealed class SweepRunDriver(
    string sweepId,
    IGrainFactory grains,
    ClusterWorkers workers,
    ArtifactStores stores,
    SweepClock clock,
    SweepOptions settings,
    ILogger logger,
    Func<int, SweepRunRecord?> findActiveRun,
    Action changed,
    Action stepNow,
    IEvaluationCache? evaluationCache = null)
{
    /// <summary>
    /// How long one call waiting for a merge job's end lasts before it is made again: well within its response timeout, and short
    /// enough that a job grain deactivating under it (its silo stopping) is not held up long.
    /// </summary>
    private static readonly TimeSpan JobWatchPatience = TimeSpan.FromSeconds(10);

    // Candidates with a job start or an evaluation in flight, by run (not persisted: after a restart nothing is in
    // flight, and the pump asks again). By run, since a cancelled run's calls may still be out when the next run starts.
    private readonly HashSet<(int Run, int Index)> busy = [];

    // Merge jobs whose end a call is waiting for (not persisted either: the pump's poll starts the wait again).
    private readonly HashSet<string> watched = new(StringComparer.Ordinal);
    // Points whose in-job score was looked up in the evaluation cache this activation, by run: each is asked once.
    private readonly HashSet<(int Run, int Index)> scoresLookedUp = [];
    private int nextWorker;

    // In-job scores being stored in the evaluation cache, one entry per score by run: the run ends only once they are stored.
    private readonly List<int> scoresStoring = [];

    /// <summary>True when no call for a candidate of run <paramref name="runNumber"/> is in flight: once all its candidates are finished, it may end.</summary>
    public bool IsIdle(int runNumber) => !busy.Any(b => b.Run == runNumber) && !scoresStoring.Contains(runNumber);

    /// <summary>
    /// Expands the space and fingerprints every merge (off the scheduler: it reads checkpoint headers). Returns
    /// the parsed sweep, with the run running; or null, with the run failed, when the sweep cannot run.
    /// </summary>
    public async Task<SweepSpec?> PrepareAsync(SweepRunRecord run, SweepDefinition definition)
    {
        try
        {
            var (parsed, candidates, ensembles) = await Task.Run(() => SweepCandidates.PrepareAsync(definition, settings.ShardSizeBytes, stores, run.Number));
            if (run.State != SweepRunState.Preparing)
            {
                // Cancelled meanwhile: nothing is claimed or written for it.
                return null;
            }

            // Counted before the claim, so a run refused there still says how many points it had.
            run.Candidates = candidates;
            // Before anything is written there: a user's folder or another sweep's output is refused, not pruned.
            await Task.Run(() => stores.OpenSweepOutput(parsed.Output).ClaimAsync(sweepId, parsed.Name, CancellationToken.None));
            if (run.State != SweepRunState.Preparing)
            {
                return null;
            }

            if (ensembles.Count > 0)
            {
                // The output is the run's now: its ensemble baselines' manifests go there. The candidates are taken here, on the
                // grain's scheduler: a cancel may rewrite the run's list while the manifests are written.
                var pending = ensembles.Select(e => (Ensemble: e, Candidate: candidates.Single(c => c.Index == e.Index))).ToList();
                var written = await Task.Run(() => pending.Select(p => p.Ensemble.Write(p.Candidate)).ToList());
                if (run.State != SweepRunState.Preparing)
                {
                    return null;
                }

                run.Candidates = [.. candidates.Select(c => written.SingleOrDefault(w => w.Index == c.Index) ?? c)];
            }

            run.ObjectiveMetric = parsed.Objective.Metric;
            run.Maximize = parsed.Objective.Direction == ObjectiveDirection.Maximize;
            run.Connect = parsed.Kind == SweepKind.Connect;
            run.State = SweepRunState.Running;
            logger.LogInformation(
                "Sweep {Sweep}: run {Run} has {Count} merges ({Distinct} distinct)", sweepId, run.Number, candidates.Count, candidates.Count(c => c.SameAs is null));
            return parsed;
        }
        catch (Exception e) when (e is SpecException or StorageException or CheckpointException or IOException or UnauthorizedAccessException)
        {
            if (run.State != SweepRunState.Preparing)
            {
                // Cancelled meanwhile: it stays cancelled.
                return null;
            }

            run.State = SweepRunState.Failed;
            run.Error = $"the sweep cannot run: {e.Message}";
            run.FinishedAt = clock.Now;
            logger.LogWarning("Sweep {Sweep}: run {Run} failed to start: {Error}", sweepId, run.Number, e.Message);
            return null;
        }
    }

    /// <summary>Ranks the run, promotes its best, writes its record, and prunes the runs and merges no longer kept.</summary>
    public async Task FinishAsync(SweepGrainState state, SweepRunRecord run, SweepSpec spec)
    {
        var output = stores.OpenSweepOutput(spec.Output);
        RunFinish finish;
        try
        {
            finish = SweepPromotion.Finish(state, run, spec, clock.Now, output.BestLocation, await output.HasBestAsync(CancellationToken.None));
        }
        catch (StorageException e)
        {
            // Ranking still happens; whether best/ is there is asked again at the next run.
            logger.LogWarning("Sweep {Sweep}: cannot tell whether {Best} exists: {Error}", sweepId, output.BestLocation, e.Message);
            finish = SweepPromotion.Finish(state, run, spec, clock.Now, output.BestLocation, bestFolderExists: false);
        }

        var best = finish.Best;
        var detail = run.Detail();
        var info = JsonSerializer.Serialize(new { sweep = sweepId, name = spec.Name, run = run.Number, candidate = best?.Index, label = best?.Label, cache_key = best?.CacheKey, metrics = best?.Metrics }, MetricsJson.Indented);
        try
        {
            await Task.Run(async () =>
            {
                if (finish.Promoted is { } promoted && !finish.AlreadyInPlace)
                {
                    await output.PromoteAsync(promoted.CacheKey, info, CancellationToken.None);
                }

                await output.WriteRunAsync(run.Number, JsonSerializer.Serialize(detail, MetricsJson.Indented), CancellationToken.None);
                await output.PruneAsync(finish.KeepKeys, finish.KeepRuns, CancellationToken.None);
            });
            if (finish.Promoted is { } kept)
            {
                state.PromotedKey = kept.CacheKey;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or StorageException)
        {
            run.Error = $"could not write to {spec.Output}: {e.Message}";
            logger.LogWarning(e, "Sweep {Sweep}: run {Run} could not write its results", sweepId, run.Number);
        }

        state.Runs = state.Runs.Where(r => r.IsActive || finish.KeepRuns.Contains(r.Number)).ToList();
        logger.LogInformation("Sweep {Sweep}: run {Run} {State}; best {Best} = {Value}", sweepId, run.Number, run.State, best?.Label, best?.Objective);
    }

    /// <summary>Asks the merge jobs of merging candidates how they are, and moves each on.</summary>
    public async Task PollMergesAsync(SweepRunRecord run, SweepSpec spec)
    {
        // A job's status once for all its candidates: a shared-input job's lists every candidate, and asking it once per
        // candidate made each of the pump's checks of a hundred-point run build and copy it a hundred times.
        foreach (var job in run.Candidates.Where(c => c.State == CandidateState.Merging && !busy.Contains((run.Number, c.Index))).GroupBy(c => c.JobId).ToList())
        {
            JobStatus status;
            try
            {
                status = await grains.GetGrain<IMergeJobGrain>(job.Key).GetStatus();
            }
            catch (Exception e)
            {
                logger.LogInformation("Sweep {Sweep}: no status from merge job {Job} yet: {Error}", sweepId, job.Key, e.Message);
                continue;
            }

            if (!status.IsFinished && status.SubmittedAt != default)
            {
                Watch(run.Number, job.Key);
            }

            foreach (var candidate in job)
            {
                PollMerge(run, spec, run.Candidates[candidate.Index], job.Key, status);
            }
        }
    }

    /// <summary>Moves one merging candidate on by its job's <paramref name="status"/>.</summary>
    private void PollMerge(SweepRunRecord run, SweepSpec spec, SweepCandidateStatus current, string jobId, JobStatus status)
    {
        // The grain interleaved other calls while the job's status was asked for: the candidate may have moved on since,
        // or be merging in another job.
        if (current.State != CandidateState.Merging || busy.Contains((run.Number, current.Index)) || current.JobId != jobId)
        {
            return;
        }

        if (spec.Outputs.BestOnly)
        {
            // Scored in-job, or one of the best published: the metrics come from the scoring job, not an evaluator.
            var own = status.Candidates.FirstOrDefault(c => c.Name == SweepMergeBatches.CandidateName(current));
            if (SweepRunStepper.AfterScoringJob(current, status, own, run.ObjectiveMetric) is { } scored)
            {
                Update(run, scored);
                if (scored.State == CandidateState.Done && SweepMergeBatches.IsScoring(current))
                {
                    StoreScore(run.Number, ScoreCache(spec), scored);
                }
            }
            else if (status.State == JobState.Pending && status.SubmittedAt == default)
            {
                StartJob(run, spec, current);
            }

            return;
        }

        var progress = SweepRunStepper.AfterMergeStatus(current, SweepMergeBatches.ForCandidate(status, current));
        if (progress.Updated is { } updated)
        {
            Update(run, updated);
        }
        else if (progress.Restart)
        {
            StartJob(run, spec, current);
        }
    }

    /// <summary>Shares finished duplicates, launches merges (unless the sweep is paused) and evaluations.</summary>
    public async Task LaunchAsync(SweepRunRecord run, SweepSpec spec, bool paused)
    {
        foreach (var shared in SweepRunStepper.ShareDuplicates(run))
        {
            Update(run, shared);
        }

        if (!paused)
        {
            // Asked off the scheduler (a blob output answers over the network); the run may move on meanwhile.
            var merges = spec.Kind == SweepKind.Merge;
            var pending = merges ? run.Candidates.Where(c => c.State == CandidateState.Pending && c.SameAs is null).ToList() : [];
            var published = pending.Count == 0
                ? new HashSet<string>()
                : await Task.Run(() => stores.OpenSweepOutput(spec.Output).PublishedMergesAsync(pending.Select(c => c.CacheKey).ToList(), CancellationToken.None));
            if (spec.Outputs.BestOnly)
            {
                await TakeCachedScoresAsync(run, spec, pending, published);
            }

            var launches = SweepMergeBatches.Share(SweepRunStepper.LaunchMerges(run, spec.MaxConcurrent, published.Contains, sweepId, merges), sweepId, run.Number, spec.Outputs.BestOnly);
            if (spec.Outputs.BestOnly && launches.Count == 0 && IsIdle(run.Number))
            {
                // Every point is scored: merge the best K again, written this time, as one job.
                var winners = SweepRunStepper.Winners(run, spec.Objective, spec.Outputs.Keep);
                var publishJob = winners.Count == 0 ? "" : $"{SweepRunStepper.JobId(sweepId, run.Number, winners[0].Index)}-best";
                launches = winners.Select(c => c with { State = CandidateState.Merging, JobId = publishJob }).ToList();
            }

            foreach (var launched in launches)
            {
                Update(run, launched);
            }

            foreach (var job in launches.Where(c => c.State == CandidateState.Merging).GroupBy(c => c.JobId))
            {
                StartJob(run, spec, job.First());
            }
        }

        foreach (var candidate in run.Candidates.Where(c => c.State == CandidateState.Evaluating && !busy.Contains((run.Number, c.Index))).ToList())
        {
            if (SweepRunStepper.Evaluator(workers.Active(), nextWorker) is not { } worker)
            {
                return;
            }

            nextWorker++;
            busy.Add((run.Number, candidate.Index));
            var request = (spec.Kind == SweepKind.Connect
                ? SweepRequests.Connect(spec, run.Number, candidate)
                : SweepRequests.Evaluation(spec, candidate.MergeOutput, stores.OpenSweepOutput(spec.Output).EvaluationCacheFolder)) with { RunTag = RunTag(run) };
            _ = EvaluateAsync(run.Number, candidate.Index, worker, request, spec.Outputs.BestOnly ? ScoreCache(spec) : null);
        }
    }

    /// <summary>Cancels the merge jobs of the run's merging candidates (the sweep is being deleted).</summary>
    public Task CancelMergesAsync(SweepRunRecord run) =>
        // A snapshot: the grain interleaves merge outcomes at each await, and they change the candidates.
        CancelJobsAsync(SweepRunCancellation.MergingJobs(run));

    /// <summary>Cancels these merge jobs: a job not started yet refuses to start, one past its commit point publishes.</summary>
    public async Task CancelJobsAsync(IReadOnlyList<string> jobIds)
    {
        foreach (var jobId in jobIds)
        {
            try
            {
                await grains.GetGrain<IMergeJobGrain>(jobId).Cancel();
            }
            catch (Exception e)
            {
                logger.LogWarning("Sweep {Sweep}: could not cancel merge job {Job}: {Error}", sweepId, jobId, e.Message);
            }
        }
    }

    /// <summary>Stops the run's evaluations on every worker silo at once, waiting or running: its points' calls then answer and are dropped.</summary>
    public Task CancelEvaluationsAsync(SweepRunRecord run) =>
        Task.WhenAll(workers.Active().Select(async worker =>
        {
            try
            {
                await grains.GetGrain<ISweepEvaluatorGrain>(worker.Key).CancelRun(RunTag(run));
            }
            catch (Exception e)
            {
                logger.LogWarning("Sweep {Sweep}: could not stop run {Run}'s evaluations on {Silo}: {Error}", sweepId, run.Number, worker.Name, e.Message);
            }
        }));

    /// <summary>Writes a run that ended without <see cref="FinishAsync"/> (cancelled) to the output's history; nothing is promoted or pruned.</summary>
    public async Task WriteRecordAsync(SweepRunRecord run, SweepSpec spec)
    {
        var output = stores.OpenSweepOutput(spec.Output);
        var detail = JsonSerializer.Serialize(run.Detail(), MetricsJson.Indented);
        try
        {
            await Task.Run(() => output.WriteRunAsync(run.Number, detail, CancellationToken.None));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or StorageException)
        {
            logger.LogWarning(e, "Sweep {Sweep}: could not write run {Run}'s record to {Output}", sweepId, run.Number, spec.Output);
        }
    }

    /// <summary>Starts the job of <paramref name="candidate"/>: its own, or the shared-input job of the candidates launched with it.</summary>
    private void StartJob(SweepRunRecord run, SweepSpec spec, SweepCandidateStatus candidate)
    {
        if (!run.IsActive)
        {
            return;
        }

        var group = SweepMergeBatches.JobOf(run, candidate);
        busy.UnionWith(group.Select(c => (run.Number, c.Index)));
        var request = SweepMergeBatches.IsScoring(candidate)
            ? SweepRequests.Scoring(spec, sweepId, run.Number, group, settings.ShardSizeBytes, SweepMergeBatches.PublishesBest(run, group, spec.Outputs.Keep))
            : SweepRequests.Merge(spec, sweepId, run.Number, group, settings.ShardSizeBytes);
        _ = StartJobAsync(run.Number, group.Select(c => c.Index).ToList(), candidate.JobId, request);
    }

    private async Task StartJobAsync(int runNumber, IReadOnlyList<int> indices, string jobId, MergeRequest request)
    {
        string? failure = null;
        try
        {
            var status = await grains.GetGrain<IMergeJobGrain>(jobId).Start(request);
            if (status.State is JobState.Failed or JobState.Cancelled)
            {
                failure = $"merge job {jobId} {status.State.ToString().ToLowerInvariant()}: {status.Error}";
            }
        }
        catch (Exception e)
        {
            failure = $"merge job {jobId} could not start: {e.Message}";
        }
        finally
        {
            busy.ExceptWith(indices.Select(i => (runNumber, i)));
        }

        if (failure is null)
        {
            Watch(runNumber, jobId);
        }
        else if (findActiveRun(runNumber) is { } run)
        {
            foreach (var index in indices.Where(i => run.Candidates[i].State == CandidateState.Merging))
            {
                Update(run, run.Candidates[index] with { State = CandidateState.Failed, Error = failure });
            }

            stepNow();
        }
    }

    /// <summary>Waits (in calls of bounded length) for the job's end while candidates of the run merge in it, then asks for a step.</summary>
    private void Watch(int runNumber, string jobId)
    {
        if (watched.Add(jobId))
        {
            _ = WatchAsync(runNumber, jobId);
        }
    }

    private async Task WatchAsync(int runNumber, string jobId)
    {
        var finished = false;
        try
        {
            var job = grains.GetGrain<IMergeJobGrain>(jobId);
            while (!finished && findActiveRun(runNumber) is { } run && run.Candidates.Any(c => c.State == CandidateState.Merging && c.JobId == jobId))
            {
                finished = (await job.WhenFinished(JobWatchPatience)).IsFinished;
            }
        }
        catch (Exception e)
        {
            // The pump's poll carries on, and starts another wait.
            logger.LogInformation("Sweep {Sweep}: stopped waiting for merge job {Job}: {Error}", sweepId, jobId, e.Message);
        }
        finally
        {
            watched.Remove(jobId);
        }

        if (finished)
        {
            stepNow();
        }
    }

    /// <param name="scoreCache">Where a run that publishes only its best keeps in-job scores: an evaluated point's metrics are its score too.</param>
    private async Task EvaluateAsync(int runNumber, int index, WorkerSilo worker, EvaluationRequest request, IEvaluationCache? scoreCache)
    {
        EvaluationOutcome? outcome = null;
        string? failure = null;
        try
        {
            outcome = await grains.GetGrain<ISweepEvaluatorGrain>(worker.Key).Evaluate(request);
        }
        catch (Exception e)
        {
            failure = e.Message;
        }
        finally
        {
            busy.Remove((runNumber, index));
        }

        if (findActiveRun(runNumber) is not { } run || run.Candidates[index] is not { State: CandidateState.Evaluating } candidate)
        {
            return;
        }

        if (outcome is null)
        {
            // The silo could not try (it left, or the call timed out): another attempt, maybe on another silo.
            logger.LogInformation("Sweep {Sweep}: evaluating candidate {Index} on {Silo} failed (attempt {Attempt}): {Error}", sweepId, index, worker.Name, candidate.EvaluationAttempts + 1, failure);
        }

        var evaluated = SweepRunStepper.AfterEvaluation(candidate, outcome, failure, worker.Name, run.ObjectiveMetric, settings.MaxEvaluationAttempts);
        Update(run, evaluated);
        if (evaluated.State == CandidateState.Done)
        {
            StoreScore(runNumber, scoreCache, evaluated);
        }

        stepNow();
    }

    /// <summary>
    /// The evaluation cache a run that publishes only its best keeps its in-job scores in: the cluster's, else the folder
    /// of the sweep's output that evaluations are cached in (none for a blob output on one machine).
    /// </summary>
    private IEvaluationCache? ScoreCache(SweepSpec spec) =>
        evaluationCache ?? (stores.OpenSweepOutput(spec.Output).EvaluationCacheFolder is { } folder ? new FileEvaluationCache(folder) : null);

    /// <summary>
    /// Pending points whose in-job scores the evaluation cache holds (<see cref="SweepCandidateStatus.ScoreKey"/>) are done
    /// with them, not merged: a run of a sweep whose points and inputs are unchanged scores nothing again. A cache that
    /// cannot answer is a miss.
    /// </summary>
    private async Task TakeCachedScoresAsync(SweepRunRecord run, SweepSpec spec, IReadOnlyList<SweepCandidateStatus> pending, IReadOnlySet<string> published)
    {
        var keyed = pending.Where(c => c.ScoreKey.Length > 0 && scoresLookedUp.Add((run.Number, c.Index))).ToList();
        if (keyed.Count == 0 || ScoreCache(spec) is not { } cache)
        {
            return;
        }

        List<(int Index, IReadOnlyDictionary<string, double>? Metrics)> found;
        try
        {
            found = await Task.Run(async () =>
            {
                var scores = new List<(int, IReadOnlyDictionary<string, double>?)>();
                foreach (var candidate in keyed)
                {
                    scores.Add((candidate.Index, await cache.GetAsync(candidate.ScoreKey)));
                }

                return scores;
            });
        }
        catch (Exception e)
        {
            logger.LogWarning("Sweep {Sweep}: the evaluation cache did not answer for run {Run}'s scores; they are scored again: {Error}", sweepId, run.Number, e.Message);
            return;
        }

        foreach (var (index, metrics) in found)
        {
            if (metrics is not null && run.Candidates[index] is { State: CandidateState.Pending } current
                && SweepRunStepper.FromCachedScore(current, metrics, run.ObjectiveMetric, published.Contains(current.CacheKey)) is { } done)
            {
                Update(run, done);
            }
        }
    }

    /// <summary>Stores a point's in-job metrics under its score key in the background; the run does not end before they are stored.</summary>
    private void StoreScore(int runNumber, IEvaluationCache? cache, SweepCandidateStatus candidate)
    {
        if (cache is null || candidate.ScoreKey.Length == 0)
        {
            return;
        }

        scoresStoring.Add(runNumber);
        _ = StoreScoreAsync(runNumber, cache, candidate);
    }

    private async Task StoreScoreAsync(int runNumber, IEvaluationCache cache, SweepCandidateStatus candidate)
    {
        try
        {
            await Task.Run(() => cache.PutAsync(candidate.ScoreKey, candidate.Metrics));
        }
        catch (Exception e)
        {
            // The score stands; the next run scores the point again.
            logger.LogWarning("Sweep {Sweep}: could not cache candidate {Index}'s score: {Error}", sweepId, candidate.Index, e.Message);
        }
        finally
        {
            scoresStoring.Remove(runNumber);
        }

        stepNow();
    }

    /// <summary>
    /// What the run's evaluation requests carry, for <see cref="ISweepEvaluatorGrain.CancelRun"/>: its start time too, since a
    /// number comes back (a sweep deleted and created again, whose output kept no record of a run cancelled with it), and
    /// the evaluators refuse a cancelled tag's later evaluations.
    /// </summary>
    private string RunTag(SweepRunRecord run) => string.Create(CultureInfo.InvariantCulture, $"{sweepId}/{run.Number}/{run.StartedAt.UtcTicks}");

    private void Update(SweepRunRecord run, SweepCandidateStatus candidate)
    {
        if (!run.IsActive)
        {
            // An outcome heard after the run was cancelled: the cancel decided its points.
            return;
        }

        run.Candidates[candidate.Index] = candidate;
        changed();
    }
}
