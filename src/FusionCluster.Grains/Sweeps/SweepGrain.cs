using FusionCluster.Core.Specs;
using FusionCluster.Core.Storage;
using FusionCluster.Core.Sweeps;
using FusionCluster.Grains.Abstractions.Sweeps;
using FusionCluster.Grains.Jobs;
using FusionCluster.Grains.Sweeps.Evaluations;
using FusionCluster.Grains.Sweeps.Runs;
using FusionCluster.Grains.Sweeps.Views;
using Microsoft.Extensions.DependencyInjection;
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
/// that status queries interleave with long steps; state changes happen between awaits. The grain keeps
/// the definition, schedule, reminder and persistence; <see cref="SweepRunDriver"/> and
/// <see cref="SweepRunStepper"/> move runs along, <see cref="SweepPromotion"/> ends them, and
/// <see cref="SweepViews"/> maps state to status.
/// </summary>
[Reentrant]
public sealed partial class SweepGrain(
    [PersistentState("sweep", FusionStorageNames.Jobs)] IPersistentState<SweepGrainState> store,
    ArtifactStores stores,
    ClusterWorkers workers,
    SweepClock clock,
    IOptions<SweepOptions> options,
    IServiceProvider services,
    ILogger<SweepGrain> logger) : Grain, ISweepGrain, IRemindable
{
    private const string ReminderName = "sweep";

    private readonly SweepOptions settings = options.Value;
    private readonly SerialStateWriter<SweepGrainState> writer = new(store);

    private SweepSpec? spec;

    /// <summary>The active run's parsed definition when an edit replaced the sweep's since the run started.</summary>
    private (int Run, SweepSpec Spec)? olderRunSpec;
    private SweepRunDriver? driver;
    private IGrainTimer? pump;
    private bool advancing;

    /// <summary>A step was asked for while one ran: the running one takes another turn when it ends.</summary>
    private bool stepAgain;

    /// <summary>Delete has begun: no step may start another merge.</summary>
    private bool deleting;
    private bool dirty;

    /// <summary>
    /// The run whose finish is being written (ranked and promoted in memory, its record, best/ and pruning being written,
    /// its state not yet saved): it is shown as still active until the save, in the status and in the run's detail, so no
    /// caller takes it for finished before its files are written, or sees it finished and then unfinished after a restart.
    /// </summary>
    private int finishingRun;

    /// <summary>Completes when the finish of <see cref="finishingRun"/> has been written and saved: a cancel that comes meanwhile waits for it.</summary>
    private TaskCompletionSource? finishing;

    private SweepGrainState State => store.State;

    private string SweepId => this.GetPrimaryKeyString();

    private SweepRunRecord? ActiveRun => SweepViews.ActiveRun(State);

    private SweepRunDriver Driver => driver ??= new SweepRunDriver(SweepId, GrainFactory, workers, stores, clock, settings, logger, FindActiveRun, () => dirty = true, () => _ = AdvanceAsync(stepNow: true), services.GetService<IEvaluationCache>());

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
            parsed = await Task.Run(() => SweepCandidates.Parse(definition, stores));
        }
        catch (Exception e) when (e is SpecException or StorageException)
        {
            return new SweepStatus { Id = SweepId, Error = e.Message };
        }

        State.Definition = definition;
        State.CreatedAt = clock.Now;
        spec = parsed;
        await RestoreHistoryAsync(parsed);
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
        var detail = run?.Detail();
        return Task.FromResult(detail is null ? null : detail with { Summary = AsShown(detail.Summary) });
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
            parsed = await Task.Run(() => SweepSpecParser.Parse(text, definition.SpecName, definition.SpecDirectory, stores.Roots));
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

    public async Task<SweepStatus> Edit(SweepDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (State.Definition is not { } current)
        {
            return Status() with { Error = $"there is no sweep '{SweepId}'" };
        }

        if (current.SpecText == definition.SpecText && current.SpecDirectory == definition.SpecDirectory)
        {
            return Status();
        }

        SweepSpec parsed;
        try
        {
            parsed = await Task.Run(() => SweepCandidates.Parse(definition, stores));
        }
        catch (Exception e) when (e is SpecException or StorageException or YamlDotNet.Core.YamlException)
        {
            return Status() with { Error = e.Message };
        }

        // Reentrant: the sweep may have changed during the parse; the state is read again from here on.
        current = State.Definition ?? current;
        var active = ActiveRun;
        if (active is not null)
        {
            // The run keeps the definition it started with (runs recorded before edits existed carry none yet).
            active.Definition ??= current;
        }

        var changed = SweepRevisions.ChangedSections(current.SpecText, definition.SpecText);
        SweepRevisions.Record(State.Revisions, new SweepRevision
        {
            At = clock.Now,
            By = definition.SubmittedBy,
            Changed = current.SpecDirectory == definition.SpecDirectory ? changed : [.. changed, "folder"],
            PointsBefore = spec?.Points.Count ?? 0,
            PointsAfter = parsed.Points.Count,
            RunKeptOld = active?.Number ?? 0,
        });
        var scheduleChanged = parsed.Schedule?.ToString() != spec?.Schedule?.ToString();
        State.Definition = definition;
        spec = parsed;
        if (scheduleChanged)
        {
            State.NextDue = parsed.Schedule is { } schedule ? new SweepTimetable(schedule, clock.Time).Start().NextDue : null;
        }

        await SaveAsync();
        await UpdateReminderAsync();
        await PublishCatalogEntry();
        logger.LogInformation("Sweep {Sweep} edited by {User}: {Changed}; {Points} points", SweepId, definition.SubmittedBy, string.Join(", ", changed), parsed.Points.Count);
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

        deleting = true;
        StopPump();
        if (ActiveRun is { } run)
        {
            await Driver.CancelMergesAsync(run);
            await Driver.CancelEvaluationsAsync(run);
        }

        await ChangeReminderAsync(needed: false);
        await writer.Idle;
        await store.ClearStateAsync();
        store.State = new SweepGrainState();
        spec = null;
        dirty = false;
        await GrainFactory.GetGrain<ISweepCatalogGrain>("default").Remove(SweepId);
        logger.LogInformation("Sweep {Sweep} deleted", SweepId);

        // With the state cleared there is no run left to step; a sweep created again under this id steps as usual.
        deleting = false;
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
                    SweepQueue.Clear(State);
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

    /// <summary>The reminder ticks while the sweep has an active schedule or a run going (to bring the run back after a restart).</summary>
    private Task UpdateReminderAsync() =>
        ChangeReminderAsync(State.Definition is not null && ((spec?.Schedule is not null && !State.Paused) || ActiveRun is not null));

    private Task ChangeReminderAsync(bool needed) =>
        new GrainReminderSwitch(this, ReminderName, logger).SetAsync(needed, settings.FirstTickDelay, settings.TickPeriod);

    /// <summary>
    /// A sweep created where an earlier one of its id kept its output continues that history (<see cref="SweepRunHistory"/>):
    /// an embedded silo's state ends with its process, so every local <c>fusion sweep run</c> was run 1 and replaced
    /// the last run's record. An output that cannot be read starts the sweep afresh; its first run says why if it fails.
    /// </summary>
    private async Task RestoreHistoryAsync(SweepSpec parsed)
    {
        try
        {
            var history = await Task.Run(() => stores.OpenSweepOutput(parsed.Output).ReadHistoryAsync(SweepId, CancellationToken.None));
            var unreadable = SweepRunHistory.Restore(history, State);
            if (unreadable.Count > 0)
            {
                logger.LogWarning("Sweep {Sweep}: run records {Runs} in {Output} could not be read; their numbers are not used again", SweepId, string.Join(", ", unreadable), parsed.Output);
            }

            if (State.LastRunNumber > 0)
            {
                logger.LogInformation("Sweep {Sweep}: continues after run {Run}, {Kept} run(s) kept in {Output}", SweepId, State.LastRunNumber, State.Runs.Count, parsed.Output);
            }
        }
        catch (Exception e) when (e is StorageException or IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("Sweep {Sweep}: cannot read what {Output} keeps of earlier runs: {Error}", SweepId, parsed.Output, e.Message);
        }
    }

    private async Task<SweepSpec?> TryParseAsync(SweepDefinition definition)
    {
        try
        {
            return await Task.Run(() => SweepCandidates.Parse(definition, stores));
        }
        catch (Exception e) when (e is SpecException or StorageException)
        {
            logger.LogWarning("Sweep {Sweep} no longer parses: {Error}", SweepId, e.Message);
            return null;
        }
    }

    private Task SaveAsync() => writer.WriteAsync(() => dirty = false);

    private Task PublishCatalogEntry() =>
        GrainFactory.GetGrain<ISweepCatalogGrain>("default").Upsert(SweepViews.CatalogEntry(SweepId, State, spec));

    private SweepStatus Status()
    {
        var status = SweepViews.Status(SweepId, State, spec);
        return finishingRun == 0 ? status : status with { ActiveRun = finishingRun, Runs = status.Runs.Select(AsShown).ToList() };
    }

    /// <summary>A run as the views show it: the <see cref="finishingRun"/> as still running.</summary>
    private SweepRunSummary AsShown(SweepRunSummary run) =>
        run.Number == finishingRun ? run with { State = SweepRunState.Running, FinishedAt = null } : run;
}
