using System.Text.Json;
using FusionCluster.Core.Formats;
using FusionCluster.Core.Specs;
using FusionCluster.Core.Storage;
using FusionCluster.Core.Sweeps;
using FusionCluster.Grains.Abstractions;
using FusionCluster.Grains.Abstractions.Sweeps;
using FusionCluster.Grains.Jobs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Runtime;

namespace FusionCluster.Grains.Sweeps;

/// <summary>
/// Runs a sweep. A reminder (persisted with the cluster's reminders) ticks while the sweep has a schedule
/// or a run going; each tick asks <see cref="SweepTimetable"/> whether an occurrence is due, so fire times
/// survive restarts and missed fires fold into one run. A run fingerprints every point's merge, reuses
/// merges already published under the same key, launches the others as merge jobs (at most
/// max_concurrent merges and evaluations at once), evaluates each result on a worker silo, ranks them
/// and promotes the best. A grain timer drives the run; every step is persisted, so a run carries on
/// after a restart (merge jobs resume by themselves, evaluations are simply asked again). Reentrant so
/// that status queries interleave with long steps; state changes happen between awaits.
/// </summary>
[Reentrant]
public sealed class SweepGrain(
    [PersistentState("sweep", FusionStorageNames.Jobs)] IPersistentState<SweepGrainState> store,
    ArtifactStores stores,
    ClusterWorkers workers,
    SweepClock clock,
    IOptions<SweepOptions> options,
    ILogger<SweepGrain> logger) : Grain, ISweepGrain, IRemindable
{
    private const string ReminderName = "sweep";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private readonly SweepOptions settings = options.Value;
    private readonly SerialStateWriter<SweepGrainState> writer = new(store);

    // Candidates of the active run with a job start or an evaluation in flight (not persisted: after a
    // restart nothing is in flight, and the pump asks again).
    private readonly HashSet<int> busy = [];
    private SweepSpec? spec;
    private IGrainTimer? pump;
    private bool advancing;
    private bool dirty;
    private int nextWorker;

    private SweepGrainState State => store.State;

    private string SweepId => this.GetPrimaryKeyString();

    private SweepRunRecord? ActiveRun => State.Runs.LastOrDefault(r => r.IsActive);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (State.Definition is null)
        {
            return;
        }

        spec = await TryParseAsync(State.Definition);
        if (ActiveRun is not null)
        {
            logger.LogInformation("Sweep {Sweep} resumes run {Run}", SweepId, ActiveRun.Number);
            StartPump();
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        pump?.Dispose();
        pump = null;
        if (dirty && State.Definition is not null)
        {
            await SaveAsync();
        }
    }

    public async Task<SweepStatus> Create(SweepDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (State.Definition is { } existing)
        {
            return existing.SpecText == definition.SpecText && existing.SpecDirectory == definition.SpecDirectory
                ? Status()
                : Status() with { Error = $"sweep '{SweepId}' already exists with another definition; delete it first" };
        }

        SweepSpec parsed;
        try
        {
            StorageNames.CheckJobId(SweepId);
            parsed = await Task.Run(() => Parse(definition));
        }
        catch (Exception e) when (e is SpecException or StorageException)
        {
            return new SweepStatus { Id = SweepId, Error = e.Message };
        }

        State.Definition = definition;
        State.CreatedAt = clock.Now;
        spec = parsed;
        if (parsed.Schedule is { } schedule)
        {
            State.NextDue = new SweepTimetable(schedule, clock.Time).Start().NextDue;
        }

        await SaveAsync();
        await UpdateReminderAsync();
        await PublishCatalogEntry();
        logger.LogInformation("Sweep {Sweep} created: {Points} points, schedule {Schedule}", SweepId, parsed.Points.Count, parsed.Schedule?.ToString() ?? "none");
        return Status();
    }

    public async Task<SweepRunRequestResult> Run()
    {
        if (State.Definition is null)
        {
            return new SweepRunRequestResult { Error = $"there is no sweep '{SweepId}'" };
        }

        if (State.Paused)
        {
            return new SweepRunRequestResult { Error = $"sweep '{SweepId}' is paused; resume it first" };
        }

        if (ActiveRun is { } active)
        {
            if ((spec?.Schedule?.Overlap ?? OverlapPolicy.Skip) == OverlapPolicy.Skip)
            {
                return new SweepRunRequestResult { Error = $"run {active.Number} of sweep '{SweepId}' is still going (overlap: skip)" };
            }

            Enqueue(SweepTrigger.Manual, clock.Now, 1);
            await SaveAsync();
            return new SweepRunRequestResult { Queued = true, Run = active.Number + 1 };
        }

        var number = await StartRunAsync(SweepTrigger.Manual, null, 0);
        return new SweepRunRequestResult { Started = true, Run = number };
    }

    public Task<SweepStatus> GetStatus() => Task.FromResult(Status());

    public Task<SweepRunDetail?> GetRun(int number)
    {
        var run = number == 0 ? State.Runs.LastOrDefault() : State.Runs.FirstOrDefault(r => r.Number == number);
        return Task.FromResult(run?.Detail());
    }

    public async Task<SweepStatus> Pause()
    {
        if (State.Definition is null || State.Paused)
        {
            return Status();
        }

        State.Paused = true;
        await SaveAsync();
        await UpdateReminderAsync();
        await PublishCatalogEntry();
        return Status();
    }

    public async Task<SweepStatus> SetSchedule(string? cron, string? timeZone, bool queueOverlaps)
    {
        if (State.Definition is not { } definition)
        {
            return Status();
        }

        SweepSpec parsed;
        string text;
        try
        {
            text = SweepScheduleEditor.WithSchedule(definition.SpecText, cron, timeZone, queueOverlaps ? OverlapPolicy.Queue : OverlapPolicy.Skip);
            parsed = await Task.Run(() => SweepSpecParser.Parse(text, definition.SpecName, definition.SpecDirectory));
        }
        catch (Exception e) when (e is SpecException or FormatException or YamlDotNet.Core.YamlException)
        {
            return Status() with { Error = e.Message };
        }

        State.Definition = definition with { SpecText = text };
        spec = parsed;
        State.NextDue = parsed.Schedule is { } schedule ? new SweepTimetable(schedule, clock.Time).Start().NextDue : null;
        await SaveAsync();
        await UpdateReminderAsync();
        await PublishCatalogEntry();
        logger.LogInformation("Sweep {Sweep}: schedule set to {Schedule}", SweepId, parsed.Schedule?.ToString() ?? "none");
        return Status();
    }

    public async Task<SweepStatus> Resume()
    {
        if (State.Definition is null || !State.Paused)
        {
            return Status();
        }

        State.Paused = false;
        if (spec?.Schedule is { } schedule)
        {
            State.NextDue = new SweepTimetable(schedule, clock.Time).Start().NextDue;
        }

        await SaveAsync();
        await UpdateReminderAsync();
        if (ActiveRun is not null)
        {
            StartPump();
        }

        await PublishCatalogEntry();
        return Status();
    }

    public async Task Delete()
    {
        if (State.Definition is null)
        {
            return;
        }

        StopPump();
        if (ActiveRun is { } run)
        {
            foreach (var candidate in run.Candidates.Where(c => c.State == CandidateState.Merging))
            {
                try
                {
                    await GrainFactory.GetGrain<IMergeJobGrain>(candidate.JobId).Cancel();
                }
                catch (Exception e)
                {
                    logger.LogWarning("Sweep {Sweep}: could not cancel merge job {Job}: {Error}", SweepId, candidate.JobId, e.Message);
                }
            }
        }

        await ChangeReminderAsync(needed: false);
        await writer.Idle;
        await store.ClearStateAsync();
        store.State = new SweepGrainState();
        spec = null;
        dirty = false;
        await GrainFactory.GetGrain<ISweepCatalogGrain>("default").Remove(SweepId);
        logger.LogInformation("Sweep {Sweep} deleted", SweepId);
        DeactivateOnIdle();
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (State.Definition is null)
        {
            await ChangeReminderAsync(needed: false);
            return;
        }

        State.LastTick = clock.Now;
        spec ??= await TryParseAsync(State.Definition);
        if (spec?.Schedule is { } schedule && !State.Paused)
        {
            var queued = State.QueuedOccurrence is { } occurrence ? new ScheduledFire(occurrence, State.QueuedOccurrences) : null;
            var outcome = new SweepTimetable(schedule, clock.Time).Tick(new ScheduleState(State.NextDue, queued), ActiveRun is not null);
            State.NextDue = outcome.State.NextDue;
            var fire = outcome.Fire;
            switch (outcome.Action)
            {
                case TickAction.Start:
                    ClearQueue();
                    var number = await StartRunAsync(SweepTrigger.Schedule, fire!.Occurrence, fire.Occurrences);
                    Log("started", fire, number);
                    break;
                case TickAction.Skip:
                    Log("skipped", fire!, ActiveRun?.Number ?? 0);
                    logger.LogInformation("Sweep {Sweep}: the run due at {Occurrence} is skipped: run {Run} is still going", SweepId, fire!.Occurrence, ActiveRun?.Number);
                    break;
                case TickAction.Queue:
                    Enqueue(SweepTrigger.Schedule, fire!.Occurrence, fire.Occurrences - (queued?.Occurrences ?? 0));
                    Log("queued", fire, 0);
                    break;
            }
        }

        if (ActiveRun is not null)
        {
            StartPump();
        }

        await SaveAsync();
        if (ActiveRun is null && (spec?.Schedule is null || State.Paused))
        {
            await ChangeReminderAsync(needed: false);
        }
    }

    private async Task<int> StartRunAsync(SweepTrigger trigger, DateTimeOffset? occurrence, int occurrences)
    {
        var run = new SweepRunRecord
        {
            Number = ++State.LastRunNumber,
            Trigger = trigger,
            ScheduledFor = occurrence,
            Occurrences = occurrences,
            State = SweepRunState.Preparing,
            StartedAt = clock.Now,
            ObjectiveMetric = spec?.Objective.Metric ?? "",
            Maximize = spec?.Objective.Direction != ObjectiveDirection.Minimize,
        };
        State.Runs.Add(run);
        logger.LogInformation("Sweep {Sweep}: run {Run} starts ({Trigger})", SweepId, run.Number, trigger);
        await SaveAsync();
        await UpdateReminderAsync();
        StartPump();
        await PublishCatalogEntry();
        return run.Number;
    }

    private void StartPump() =>
        pump ??= this.RegisterGrainTimer(
            _ => AdvanceAsync(),
            new GrainTimerCreationOptions { DueTime = TimeSpan.Zero, Period = settings.PumpInterval, Interleave = true, KeepAlive = true });

    private void StopPump()
    {
        pump?.Dispose();
        pump = null;
    }

    /// <summary>One step of the active run: prepare it, or move its candidates along and finish it when all are done.</summary>
    private async Task AdvanceAsync()
    {
        if (advancing)
        {
            return;
        }

        advancing = true;
        try
        {
            var run = ActiveRun;
            if (run is null)
            {
                StopPump();
                return;
            }

            if (run.State == SweepRunState.Preparing)
            {
                await PrepareAsync(run);
                return;
            }

            spec ??= await TryParseAsync(State.Definition!);
            if (spec is null)
            {
                // Its template file changed into something invalid since the run was prepared.
                run.State = SweepRunState.Failed;
                run.Error = "the sweep no longer parses (see the silo log); fix it and run again";
                run.FinishedAt = clock.Now;
                await SaveAsync();
                await AfterRunAsync();
                return;
            }

            await PollMergesAsync(run);
            ShareDuplicates(run);
            if (!State.Paused)
            {
                LaunchMerges(run);
            }

            LaunchEvaluations(run);
            if (run.Candidates.All(c => c.IsFinished) && busy.Count == 0)
            {
                await FinishRunAsync(run);
            }
            else if (dirty)
            {
                await SaveAsync();
                await PublishCatalogEntry();
            }
        }
        catch (Exception e)
        {
            logger.LogError(e, "Sweep {Sweep}: a step of the run failed; it is tried again", SweepId);
        }
        finally
        {
            advancing = false;
        }
    }

    /// <summary>Expands the space and fingerprints every merge (off the scheduler: it reads checkpoint headers).</summary>
    private async Task PrepareAsync(SweepRunRecord run)
    {
        var definition = State.Definition!;
        try
        {
            var (parsed, candidates) = await Task.Run(() => PrepareCandidatesAsync(definition));
            spec = parsed;
            run.Candidates = candidates;
            run.ObjectiveMetric = parsed.Objective.Metric;
            run.Maximize = parsed.Objective.Direction == ObjectiveDirection.Maximize;
            run.State = SweepRunState.Running;
            logger.LogInformation(
                "Sweep {Sweep}: run {Run} has {Count} merges ({Distinct} distinct)", SweepId, run.Number, candidates.Count, candidates.Count(c => c.SameAs is null));
        }
        catch (Exception e) when (e is SpecException or StorageException or CheckpointException or IOException or UnauthorizedAccessException)
        {
            run.State = SweepRunState.Failed;
            run.Error = $"the sweep cannot run: {e.Message}";
            run.FinishedAt = clock.Now;
            logger.LogWarning("Sweep {Sweep}: run {Run} failed to start: {Error}", SweepId, run.Number, e.Message);
        }

        await SaveAsync();
        await PublishCatalogEntry();
        if (!run.IsActive)
        {
            await AfterRunAsync();
        }
    }

    private async Task<(SweepSpec Spec, List<SweepCandidateStatus> Candidates)> PrepareCandidatesAsync(SweepDefinition definition)
    {
        var parsed = Parse(definition);
        var output = new SweepOutputFolder(parsed.Output);
        var fingerprints = new Dictionary<string, string>(StringComparer.Ordinal);
        var firstOfKey = new Dictionary<string, int>(StringComparer.Ordinal);
        var candidates = new List<SweepCandidateStatus>();
        foreach (var candidate in parsed.Candidates())
        {
            var index = candidate.Point.Index;
            string key;
            try
            {
                key = await MergeCacheKey.ComputeAsync(candidate, parsed.Template.Directory, parsed.Seed, settings.ShardSizeBytes, stores, fingerprints, CancellationToken.None);
            }
            catch (Exception e) when (e is SpecException or StorageException or CheckpointException or IOException)
            {
                candidates.Add(new SweepCandidateStatus { Index = index, Label = candidate.Point.Label, SpecText = candidate.SpecText, State = CandidateState.Failed, Error = e.Message });
                continue;
            }

            int? sameAs = firstOfKey.TryGetValue(key, out var first) ? first : null;
            firstOfKey.TryAdd(key, index);
            candidates.Add(new SweepCandidateStatus
            {
                Index = index,
                Label = candidate.Point.Label,
                SpecText = candidate.SpecText,
                CacheKey = key,
                SameAs = sameAs,
                MergeOutput = output.MergeFolder(key),
            });
        }

        return (parsed, candidates);
    }

    private async Task PollMergesAsync(SweepRunRecord run)
    {
        foreach (var candidate in run.Candidates.Where(c => c.State == CandidateState.Merging && !busy.Contains(c.Index)).ToList())
        {
            JobStatus status;
            try
            {
                status = await GrainFactory.GetGrain<IMergeJobGrain>(candidate.JobId).GetStatus();
            }
            catch (Exception e)
            {
                logger.LogInformation("Sweep {Sweep}: no status from merge job {Job} yet: {Error}", SweepId, candidate.JobId, e.Message);
                continue;
            }

            var current = run.Candidates[candidate.Index];
            if (current.State != CandidateState.Merging || busy.Contains(current.Index))
            {
                continue;
            }

            switch (status.State)
            {
                case JobState.Succeeded:
                    Update(run, current with { State = CandidateState.Evaluating, MergeSeconds = status.ElapsedSeconds });
                    break;
                case JobState.Failed or JobState.Cancelled:
                    Update(run, current with { State = CandidateState.Failed, Error = $"merge job {current.JobId} {status.State.ToString().ToLowerInvariant()}: {status.Error}" });
                    break;
                case JobState.Pending when status.SubmittedAt == default:
                    // The start never reached the job (its silo went down first): start it again.
                    StartJob(run, current);
                    break;
            }
        }
    }

    /// <summary>A candidate with the same key as an earlier one of the run takes that one's merge and metrics.</summary>
    private void ShareDuplicates(SweepRunRecord run)
    {
        foreach (var candidate in run.Candidates.Where(c => c.SameAs is not null && !c.IsFinished).ToList())
        {
            var source = run.Candidates[candidate.SameAs!.Value];
            if (source.IsFinished)
            {
                Update(run, candidate with
                {
                    State = source.State,
                    Cached = true,
                    Metrics = source.Metrics,
                    Objective = source.Objective,
                    Error = source.Error,
                    EvaluatedOn = source.EvaluatedOn,
                });
            }
        }
    }

    private void LaunchMerges(SweepRunRecord run)
    {
        var limit = spec?.MaxConcurrent ?? 1;
        var active = run.Candidates.Count(c => c.SameAs is null && c.State is CandidateState.Merging or CandidateState.Evaluating);
        var output = new SweepOutputFolder(spec!.Output);
        foreach (var candidate in run.Candidates.Where(c => c.State == CandidateState.Pending && c.SameAs is null).ToList())
        {
            if (active >= limit)
            {
                break;
            }

            active++;
            if (output.HasMerge(candidate.CacheKey))
            {
                Update(run, candidate with { State = CandidateState.Evaluating, Cached = true });
                continue;
            }

            var merging = candidate with { State = CandidateState.Merging, JobId = $"sweep-{SweepId}-{run.Number}-{candidate.Index}" };
            Update(run, merging);
            StartJob(run, merging);
        }
    }

    private void StartJob(SweepRunRecord run, SweepCandidateStatus candidate)
    {
        var request = new MergeRequest
        {
            SpecText = candidate.SpecText,
            SpecDirectory = spec!.Template.Directory,
            SpecName = $"{spec.Name} run {run.Number} #{candidate.Index}",
            Output = candidate.MergeOutput,
            Seed = spec.Seed,
            ShardSizeBytes = settings.ShardSizeBytes,

            // Only started when no published merge is there; whatever is there is a leftover.
            Overwrite = true,
            SubmittedBy = $"sweep {SweepId}",
        };
        busy.Add(candidate.Index);
        _ = StartJobAsync(run.Number, candidate.Index, candidate.JobId, request);
    }

    private async Task StartJobAsync(int runNumber, int index, string jobId, MergeRequest request)
    {
        string? failure = null;
        try
        {
            var status = await GrainFactory.GetGrain<IMergeJobGrain>(jobId).Start(request);
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
            busy.Remove(index);
        }

        if (failure is not null && FindActiveRun(runNumber) is { } run && run.Candidates[index].State == CandidateState.Merging)
        {
            Update(run, run.Candidates[index] with { State = CandidateState.Failed, Error = failure });
        }
    }

    private void LaunchEvaluations(SweepRunRecord run)
    {
        foreach (var candidate in run.Candidates.Where(c => c.State == CandidateState.Evaluating && !busy.Contains(c.Index)).ToList())
        {
            var silos = workers.Active();
            if (silos.Count == 0)
            {
                return;
            }

            // Round robin over the worker silos, in a stable order.
            var worker = silos.OrderBy(s => s.Key, StringComparer.Ordinal).ElementAt(nextWorker++ % silos.Count);
            busy.Add(candidate.Index);
            _ = EvaluateAsync(run.Number, candidate.Index, worker, EvaluationFor(candidate.MergeOutput));
        }
    }

    private EvaluationRequest EvaluationFor(string modelFolder)
    {
        var evaluator = spec!.Evaluator;
        return new EvaluationRequest
        {
            ModelFolder = modelFolder,
            Dataset = evaluator.Accuracy?.Dataset,
            Split = evaluator.Accuracy?.Split ?? "held-out",
            Classes = evaluator.Accuracy?.Classes,
            CompareNames = evaluator.Tensors?.Compare.Select(c => c.Key).ToList() ?? [],
            CompareFolders = evaluator.Tensors?.Compare.Select(c => c.Value).ToList() ?? [],
            BaseFolder = evaluator.Tensors?.Base,
            Command = evaluator.Command?.Run,
            CommandTimeoutSeconds = evaluator.Command?.TimeoutSeconds ?? 600,
            WorkingDirectory = evaluator.Command?.WorkingDirectory,
        };
    }

    private async Task EvaluateAsync(int runNumber, int index, WorkerSilo worker, EvaluationRequest request)
    {
        EvaluationOutcome? outcome = null;
        string? failure = null;
        try
        {
            outcome = await GrainFactory.GetGrain<ISweepEvaluatorGrain>(worker.Key).Evaluate(request);
        }
        catch (Exception e)
        {
            failure = e.Message;
        }
        finally
        {
            busy.Remove(index);
        }

        if (FindActiveRun(runNumber) is not { } run || run.Candidates[index] is not { State: CandidateState.Evaluating } candidate)
        {
            return;
        }

        var metric = run.ObjectiveMetric;
        if (outcome is null)
        {
            // The silo could not try (it left, or the call timed out): another attempt, maybe on another silo.
            var attempts = candidate.EvaluationAttempts + 1;
            logger.LogInformation("Sweep {Sweep}: evaluating candidate {Index} on {Silo} failed (attempt {Attempt}): {Error}", SweepId, index, worker.Name, attempts, failure);
            Update(run, attempts >= settings.MaxEvaluationAttempts
                ? candidate with { State = CandidateState.Failed, EvaluationAttempts = attempts, Error = $"evaluation could not run ({attempts} attempts), last on {worker.Name}: {failure}" }
                : candidate with { EvaluationAttempts = attempts });
        }
        else if (outcome.Error is not null)
        {
            Update(run, candidate with { State = CandidateState.Failed, EvaluatedOn = outcome.Silo, Error = $"evaluation failed: {outcome.Error}" });
        }
        else if (!outcome.Metrics.TryGetValue(metric, out var value))
        {
            Update(run, candidate with
            {
                State = CandidateState.Failed,
                Metrics = outcome.Metrics,
                EvaluatedOn = outcome.Silo,
                Error = $"the evaluator reported no metric '{metric}' (it reported: {string.Join(", ", outcome.Metrics.Keys.Order(StringComparer.Ordinal))})",
            });
        }
        else
        {
            Update(run, candidate with
            {
                State = CandidateState.Done,
                Metrics = outcome.Metrics,
                Objective = value,
                EvaluatedOn = outcome.Silo,
                EvaluationSeconds = outcome.Seconds,
                EvaluationAttempts = candidate.EvaluationAttempts + 1,
            });
        }
    }

    /// <summary>Ranks the run, promotes its best, writes its record, prunes what is no longer kept, and starts a queued run.</summary>
    private async Task FinishRunAsync(SweepRunRecord run)
    {
        var objective = spec!.Objective;
        run.Leaderboard = objective.Rank(run.Candidates.Select(c => c.State == CandidateState.Done ? c.Objective : null).ToList()).ToList();
        run.State = run.Leaderboard.Count > 0 ? SweepRunState.Succeeded : SweepRunState.Failed;
        if (run.State == SweepRunState.Failed)
        {
            run.Error = $"no merge was evaluated; first error: {run.Candidates.Select(c => c.Error).FirstOrDefault(e => e is not null) ?? "none"}";
        }

        run.FinishedAt = clock.Now;
        var kept = State.Runs.Where(r => !r.IsActive || r == run).TakeLast(spec.Promote.KeepRuns).ToList();
        var best = run.Leaderboard.Count > 0 ? run.Candidates[run.Leaderboard[0]] : null;
        var output = new SweepOutputFolder(spec.Output);
        var promote = spec.Promote.CopyBest && best is not null;
        var alreadyBest = promote && State.PromotedKey == best!.CacheKey && Directory.Exists(output.BestFolder);
        if (promote)
        {
            run.PromotedTo = output.BestFolder;
        }

        var keepKeys = kept.SelectMany(r => r.Candidates).Select(c => c.CacheKey).Where(k => k.Length > 0).ToHashSet(StringComparer.Ordinal);
        var promotedKey = promote ? best!.CacheKey : State.PromotedKey;
        if (promotedKey is not null)
        {
            keepKeys.Add(promotedKey);
        }

        var keepRuns = kept.Select(r => r.Number).ToHashSet();
        var detail = run.Detail();
        var info = JsonSerializer.Serialize(new { sweep = SweepId, name = spec.Name, run = run.Number, candidate = best?.Index, label = best?.Label, cache_key = best?.CacheKey, metrics = best?.Metrics }, Indented);
        try
        {
            await Task.Run(() =>
            {
                if (promote && !alreadyBest)
                {
                    output.Promote(best!.CacheKey, info);
                }

                output.WriteRun(run.Number, JsonSerializer.Serialize(detail, Indented));
                output.Prune(keepKeys, keepRuns);
            });
            if (promote)
            {
                State.PromotedKey = best!.CacheKey;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or StorageException)
        {
            run.Error = $"could not write to {spec.Output}: {e.Message}";
            logger.LogWarning(e, "Sweep {Sweep}: run {Run} could not write its results", SweepId, run.Number);
        }

        State.Runs = State.Runs.Where(r => r.IsActive || keepRuns.Contains(r.Number)).ToList();
        logger.LogInformation("Sweep {Sweep}: run {Run} {State}; best {Best} = {Value}", SweepId, run.Number, run.State, best?.Label, best?.Objective);
        await SaveAsync();
        await PublishCatalogEntry();
        await AfterRunAsync();
    }

    /// <summary>After a run ends: a queued run starts, otherwise the pump stops and the reminder goes if nothing needs it.</summary>
    private async Task AfterRunAsync()
    {
        if (State.QueuedTrigger is { } trigger && !State.Paused)
        {
            var occurrence = trigger == SweepTrigger.Schedule ? State.QueuedOccurrence : null;
            var occurrences = State.QueuedOccurrences;
            ClearQueue();
            await StartRunAsync(trigger, occurrence, trigger == SweepTrigger.Schedule ? occurrences : 0);
            return;
        }

        StopPump();
        await UpdateReminderAsync();
    }

    private void Enqueue(SweepTrigger trigger, DateTimeOffset occurrence, int occurrences)
    {
        State.QueuedTrigger ??= trigger;
        State.QueuedOccurrence = State.QueuedOccurrence is { } earlier && earlier > occurrence ? earlier : occurrence;
        State.QueuedOccurrences += occurrences;
        dirty = true;
    }

    private void ClearQueue()
    {
        State.QueuedTrigger = null;
        State.QueuedOccurrence = null;
        State.QueuedOccurrences = 0;
    }

    private void Log(string action, ScheduledFire fire, int run)
    {
        State.ScheduleLog.Add(new ScheduleLogEntry { At = clock.Now, Occurrence = fire.Occurrence, Occurrences = fire.Occurrences, Action = action, Run = run });
        if (State.ScheduleLog.Count > settings.ScheduleLogLength)
        {
            State.ScheduleLog.RemoveRange(0, State.ScheduleLog.Count - settings.ScheduleLogLength);
        }
    }

    private void Update(SweepRunRecord run, SweepCandidateStatus candidate)
    {
        run.Candidates[candidate.Index] = candidate;
        dirty = true;
    }

    private SweepRunRecord? FindActiveRun(int number) => State.Runs.FirstOrDefault(r => r.Number == number && r.IsActive);

    /// <summary>The reminder ticks while the sweep has an active schedule or a run going (to bring the run back after a restart).</summary>
    private Task UpdateReminderAsync() =>
        ChangeReminderAsync(State.Definition is not null && ((spec?.Schedule is not null && !State.Paused) || ActiveRun is not null));

    private async Task ChangeReminderAsync(bool needed)
    {
        try
        {
            var existing = await this.GetReminder(ReminderName);
            if (needed && existing is null)
            {
                await this.RegisterOrUpdateReminder(ReminderName, settings.FirstTickDelay, settings.TickPeriod);
            }
            else if (!needed && existing is not null)
            {
                await this.UnregisterReminder(existing);
            }
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Sweep {Sweep}: could not {Change} its reminder", SweepId, needed ? "register" : "remove");
        }
    }

    private async Task<SweepSpec?> TryParseAsync(SweepDefinition definition)
    {
        try
        {
            return await Task.Run(() => Parse(definition));
        }
        catch (Exception e) when (e is SpecException or StorageException)
        {
            logger.LogWarning("Sweep {Sweep} no longer parses: {Error}", SweepId, e.Message);
            return null;
        }
    }

    /// <summary>The sweep spec, its output folder resolved and checked against the data roots like a merge output.</summary>
    private SweepSpec Parse(SweepDefinition definition)
    {
        var parsed = SweepSpecParser.Parse(definition.SpecText, definition.SpecName, definition.SpecDirectory);
        return parsed with { Output = stores.Resolve(parsed.Output, definition.SpecDirectory, mustExist: false) };
    }

    private Task SaveAsync() => writer.WriteAsync(() => dirty = false);

    private Task PublishCatalogEntry()
    {
        var status = Status();
        var last = State.Runs.LastOrDefault(r => !r.IsActive)?.Summary();
        return GrainFactory.GetGrain<ISweepCatalogGrain>("default").Upsert(new SweepSummary
        {
            Id = SweepId,
            Name = status.Name,
            Schedule = status.Schedule,
            Paused = status.Paused,
            NextFire = status.NextFire,
            Runs = State.LastRunNumber,
            LastRunState = last?.State,
            BestLabel = last?.BestLabel,
            BestObjective = last?.BestObjective,
            ObjectiveMetric = status.ObjectiveMetric,
            CreatedAt = State.CreatedAt,
            ActiveRun = status.ActiveRun,
        });
    }

    private SweepStatus Status() => new()
    {
        Id = SweepId,
        Exists = State.Definition is not null,
        Name = spec?.Name ?? "",
        SpecName = State.Definition?.SpecName ?? "",
        Paused = State.Paused,
        Schedule = spec?.Schedule?.ToString() ?? "",
        NextFire = spec?.Schedule is null || State.Paused ? null : State.NextDue,
        Output = spec?.Output ?? "",
        ObjectiveMetric = spec?.Objective.Metric ?? "",
        Maximize = spec?.Objective.Direction != ObjectiveDirection.Minimize,
        Points = spec?.Points.Count ?? 0,
        MaxConcurrent = spec?.MaxConcurrent ?? 0,
        ActiveRun = ActiveRun?.Number ?? 0,
        RunQueued = State.QueuedTrigger is not null,
        Runs = State.Runs.Select(r => r.Summary()).Reverse().ToList(),
        ScheduleLog = Enumerable.Reverse(State.ScheduleLog).ToList(),
        LastTick = State.LastTick,
        CreatedAt = State.CreatedAt,
    };
}
