using System.Diagnostics;
using System.Text.Json;
using FusionCluster.Core.Execution;
using FusionCluster.Core.Methods;
using FusionCluster.Core.Planning;
using FusionCluster.Core.Storage;
using FusionCluster.Grains.Abstractions;
using FusionCluster.Grains.Jobs.Planning;
using FusionCluster.Grains.Jobs.Publishing;
using FusionCluster.Grains.Jobs.Scheduling;
using FusionCluster.Grains.Jobs.Views;
using FusionCluster.Grains.Workers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Runtime;
using Orleans.Utilities;

namespace FusionCluster.Grains.Jobs;

/// <summary>
/// Plans a merge, stages its output, and dispatches its units to worker silos with free slots, each
/// attempt under a lease that the worker's heartbeats renew. Units of dead silos and expired leases go
/// back to the queue; failures are retried a bounded number of times, except failures of the data
/// itself, which fail the job at once. The result is published only when every unit is done. State is
/// persisted (at once on state changes, at most every <see cref="JobOptions.SaveInterval"/> for unit
/// progress), and a reminder brings the job back after a full cluster restart. Reentrant so that
/// reports, heartbeats and status queries interleave; all state changes happen between awaits. The grain
/// keeps the Orleans side (state, timers, reminders, calls to workers and observers); the rules live in
/// plain types: <see cref="JobStaging"/> plans, <see cref="UnitScheduler"/> schedules,
/// <see cref="JobPublisher"/> publishes and <see cref="JobViews"/> maps state to what callers see.
/// </summary>
[Reentrant]
public sealed class MergeJobGrain(
    [PersistentState("job", FusionStorageNames.Jobs)] IPersistentState<MergeJobState> store,
    ArtifactStores stores,
    CheckpointCache checkpoints,
    ClusterWorkers workers,
    IMergeMethodCatalog methods,
    ILocalSiloDetails localSilo,
    IOptions<JobOptions> options,
    ILogger<MergeJobGrain> logger) : Grain, IMergeJobGrain, IRemindable
{
    private const string ResumeReminder = "resume";

    private static readonly JsonSerializerOptions PlanJson = new();

    private readonly JobOptions settings = options.Value;
    private readonly SerialStateWriter<MergeJobState> writer = new(store);
    private readonly Stopwatch clock = new();
    private readonly JobPublisher publisher = new(stores, checkpoints, methods);

    // Stops work that only this grain does for the job (hashing inputs before publishing) when the job is
    // cancelled. Not on deactivation: a publish cut short there would fail the job, one left running, or
    // redone by the next activation, does not. Never disposed: that work may still hold its token.
    private readonly CancellationTokenSource cancellation = new();

    private IReadOnlyList<WorkerSilo> activeWorkers = [];
    private ObserverManager<IJobObserver>? observers;
    private MergePlan? plan;
    private UnitScheduler? scheduler;
    private IGrainTimer? pump;
    private bool dirty;
    private DateTimeOffset lastSave;
    private bool publishing;

    private MergeJobState State => store.State;

    private string JobId => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        observers = new ObserverManager<IJobObserver>(TimeSpan.FromMinutes(2), logger);
        if (State.PlanJson is not null)
        {
            LoadPlan();
        }

        if (State.State is JobState.Running or JobState.Publishing)
        {
            // Leases held before this activation are honoured once more: a worker that is still alive
            // renews them, one that died lets them expire.
            scheduler?.RenewAllLeases(DateTimeOffset.UtcNow + settings.LeaseDuration);
            logger.LogInformation("Job {Job} resumes: {Done}/{Total} units done", JobId, scheduler?.DoneCount ?? 0, State.Units.Length);
            StartRunning();
        }

        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        pump?.Dispose();
        if (dirty)
        {
            await SaveAsync();
        }
    }

    public async Task<JobStatus> Start(MergeRequest request)
    {
        if (State.Request is not null)
        {
            return Snapshot();
        }

        State.Request = request;
        State.SubmittedAt = DateTimeOffset.UtcNow;
        State.State = JobState.Planning;
        clock.Restart();
        await PublishCatalogEntry();
        IMergeOutput? output = null;
        try
        {
            var jobId = StorageNames.CheckJobId(JobId);
            // Resolved once, before anything is staged: every unit runs on it, whichever silo takes it.
            var device = JobDevice.Resolve(request.Device, workers.Active());
            State.Request = request = request with { Device = device };
            var staged = await Task.Run(() => JobStaging.StageAsync(request, jobId, stores, checkpoints));
            output = staged.Output;
            var merged = staged.Plan;
            State.PlanJson = JsonSerializer.Serialize(merged, PlanJson);
            State.PlannedInputVersions = staged.InputVersions;
            State.OutputLocation = staged.OutputLocation;
            State.Units = merged.Units.Select(_ => new UnitRecord()).ToArray();
            State.Warnings.AddRange(merged.Warnings);
            if (request.ProbeUnits == 0 && methods.FallbackNote(merged.Method, device) is { } fallback)
            {
                logger.LogWarning("Job {Job}: {Note}", JobId, fallback);
                State.Warnings.Add(fallback);
            }

            State.State = JobState.Running;
            LoadPlan();
            await SaveAsync();
            await this.RegisterOrUpdateReminder(ResumeReminder, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
            Notify(new JobEvent { JobId = JobId, Kind = JobEventKind.StateChanged, At = DateTimeOffset.UtcNow, State = State.State });
            await PublishCatalogEntry();
            StartRunning();
        }
        catch (Exception e)
        {
            if (output is not null)
            {
                await output.DiscardAsync(CancellationToken.None);
            }

            await FinishAsync(JobState.Failed, FailureClassifier.Describe(e), e);
        }

        return Snapshot();
    }

    public Task<JobStatus> GetStatus() => Task.FromResult(Snapshot());

    public Task<IReadOnlyList<UnitStatus>> GetUnits() => Task.FromResult(JobViews.Units(State, plan));

    public async Task Cancel()
    {
        if (State.State is JobState.Succeeded or JobState.Failed or JobState.Cancelled || State.Request is null)
        {
            return;
        }

        await cancellation.CancelAsync();
        await FinishAsync(JobState.Cancelled, "cancelled", null);
    }

    public Task Subscribe(IJobObserver observer)
    {
        observers!.Subscribe(observer, observer);
        return Task.CompletedTask;
    }

    public Task Unsubscribe(IJobObserver observer)
    {
        observers!.Unsubscribe(observer);
        return Task.CompletedTask;
    }

    public async Task Report(UnitReport report)
    {
        if (State.State != JobState.Running || scheduler is null || !scheduler.IsCurrent(report.Unit, report.Attempt))
        {
            // A late report of an attempt the job already gave up on, or of a finished job: the output is
            // the same bytes either way, so there is nothing to reconcile.
            return;
        }

        var now = DateTimeOffset.UtcNow;
        var unit = State.Units[report.Unit];
        switch (report.Outcome)
        {
            case UnitOutcome.Succeeded:
                scheduler.Complete(report.Unit, report.Result);
                if (report.Result is { Warnings.Count: > 0 } result)
                {
                    State.Warnings.AddRange(result.Warnings);
                }

                Notify(new JobEvent { JobId = JobId, Kind = JobEventKind.UnitFinished, At = now, State = State.State, Unit = report.Unit, Silo = unit.SiloName, Bytes = unit.BytesDone, Seconds = report.Result?.Seconds ?? 0 });
                break;
            case UnitOutcome.Returned:
                Requeue(report.Unit, "returned by its worker", countsAsLoss: false);
                break;
            default:
                if (scheduler.Fail(report.Unit, report.Error, report.IsPermanent) is { } failure)
                {
                    await FinishAsync(JobState.Failed, failure, null);
                    return;
                }

                Notify(new JobEvent { JobId = JobId, Kind = JobEventKind.UnitFailed, At = now, State = State.State, Unit = report.Unit, Silo = unit.SiloName, Message = report.Error });
                Requeue(report.Unit, report.Error ?? "failed", countsAsLoss: false);
                break;
        }

        dirty = true;
        if (scheduler.AllDone)
        {
            await PublishAsync();
        }
        else
        {
            Dispatch();
        }
    }

    public Task RenewLeases(string silo, IReadOnlyList<UnitLease> leases)
    {
        scheduler?.RenewLeases(silo, leases, DateTimeOffset.UtcNow + settings.LeaseDuration);
        return Task.CompletedTask;
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (State.State is JobState.Succeeded or JobState.Failed or JobState.Cancelled)
        {
            await StopReminder();
        }

        // Otherwise activation alone resumed the job (OnActivateAsync); nothing more to do.
    }

    private void LoadPlan()
    {
        plan = JsonSerializer.Deserialize<MergePlan>(State.PlanJson!, PlanJson)!;
        scheduler = new UnitScheduler(State.Units, JobSchedule.ForMerge(plan), settings);
    }

    private void StartRunning()
    {
        clock.Restart();
        pump ??= this.RegisterGrainTimer(
            _ => AdvanceAsync(),
            new GrainTimerCreationOptions { DueTime = settings.PumpInterval, Period = settings.PumpInterval, Interleave = true, KeepAlive = true });
        _ = AdvanceAsync();
    }

    /// <summary>Reclaims lost units, dispatches ready ones, publishes when all are done, saves progress.</summary>
    private async Task AdvanceAsync()
    {
        if (State.State == JobState.Running)
        {
            activeWorkers = workers.Active();
            ReclaimLost();
            if (scheduler!.AllDone)
            {
                await PublishAsync();
                return;
            }

            Dispatch();
        }
        else if (State.State == JobState.Publishing)
        {
            await PublishAsync();
            return;
        }

        if (dirty && DateTimeOffset.UtcNow - lastSave >= settings.SaveInterval)
        {
            await SaveAsync();
            await PublishCatalogEntry();
        }
    }

    private void ReclaimLost()
    {
        var alive = activeWorkers.Select(w => w.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var loss in scheduler!.FindLost(alive, DateTimeOffset.UtcNow))
        {
            Requeue(loss.Unit, loss.Reason, countsAsLoss: true);
        }
    }

    private void Requeue(int index, string reason, bool countsAsLoss)
    {
        var requeue = scheduler!.Requeue(index, reason, countsAsLoss);
        if (requeue.Fatal is { } fatal)
        {
            _ = FinishAsync(JobState.Failed, fatal, null);
            return;
        }

        State.Retries++;
        dirty = true;
        logger.LogInformation("Job {Job}: unit {Unit} goes back to the queue: {Reason}", JobId, index, reason);
        Notify(new JobEvent { JobId = JobId, Kind = JobEventKind.UnitRequeued, At = DateTimeOffset.UtcNow, State = State.State, Unit = index, Silo = requeue.Silo, Message = reason });
    }

    private void Dispatch()
    {
        if (State.State != JobState.Running || scheduler is null)
        {
            return;
        }

        var device = State.Request!.Device;
        var now = DateTimeOffset.UtcNow;
        var launches = scheduler.Dispatch(activeWorkers, device, State.Request.MaxParallelUnits, now);
        foreach (var launch in launches)
        {
            Notify(new JobEvent { JobId = JobId, Kind = JobEventKind.UnitStarted, At = now, State = State.State, Unit = launch.Unit, Silo = launch.Silo.Name });
        }

        foreach (var batch in launches.GroupBy(l => l.Silo))
        {
            dirty = true;
            var dispatches = batch.Select(l => new UnitDispatch(l.Attempt, UnitAssignment.For(JobId, plan!, plan!.Units[l.Unit], State.OutputLocation!, device, State.PlannedInputVersions))).ToList();
            _ = SendAsync(batch.Key, dispatches);
        }
    }

    private async Task SendAsync(WorkerSilo silo, List<UnitDispatch> batch)
    {
        try
        {
            await GrainFactory.GetGrain<IWorkerGrain>(silo.Key).Run(JobId, batch);
        }
        catch (Exception e)
        {
            foreach (var dispatch in batch)
            {
                var index = dispatch.Assignment.Unit.Index;
                if (scheduler!.IsCurrent(index, dispatch.Attempt) && State.Units[index].SiloKey == silo.Key)
                {
                    Requeue(index, $"could not reach silo {silo.Name}: {e.Message}", countsAsLoss: true);
                }
            }
        }
    }

    private async Task PublishAsync()
    {
        if (publishing)
        {
            return;
        }

        publishing = true;
        try
        {
            if (State.State != JobState.Publishing)
            {
                State.State = JobState.Publishing;
                await SaveAsync();
                Notify(new JobEvent { JobId = JobId, Kind = JobEventKind.StateChanged, At = DateTimeOffset.UtcNow, State = State.State });
            }

            if (State.Request!.ProbeUnits == 0)
            {
                await publisher.PublishAsync(JobId, plan!, State, ElapsedSeconds(), cancellation.Token);
            }

            await FinishAsync(JobState.Succeeded, null, null);
        }
        catch (Exception e)
        {
            await FinishAsync(JobState.Failed, $"publishing failed: {FailureClassifier.Describe(e)}", e);
        }
        finally
        {
            publishing = false;
        }
    }

    /// <summary>Ends the job: stops its units, removes staged output unless it succeeded, saves, tells everyone.</summary>
    private async Task FinishAsync(JobState final, string? error, Exception? exception)
    {
        if (State.State is JobState.Succeeded or JobState.Failed or JobState.Cancelled)
        {
            return;
        }

        var wasRunning = State.State is JobState.Running or JobState.Publishing;
        State.EarlierSeconds = ElapsedSeconds();
        clock.Reset();
        State.State = final;
        State.Error = error;
        State.FinishedAt = DateTimeOffset.UtcNow;
        pump?.Dispose();
        pump = null;
        if (exception is not null)
        {
            logger.LogWarning(exception, "Job {Job} failed", JobId);
        }
        else
        {
            logger.LogInformation("Job {Job} {State} after {Seconds:F1} s{Error}", JobId, final, State.EarlierSeconds, error is null ? "" : $": {error}");
        }

        if (final != JobState.Succeeded && wasRunning)
        {
            await StopUnitsAsync();
            if (State.OutputLocation is { Length: > 0 } location)
            {
                try
                {
                    await stores.OpenOutput(location, JobId).DiscardAsync(CancellationToken.None);
                }
                catch (Exception e)
                {
                    logger.LogWarning(e, "Job {Job}: could not remove its staged output", JobId);
                }
            }
        }

        scheduler?.ReleaseAll();
        await SaveAsync();
        Notify(new JobEvent { JobId = JobId, Kind = JobEventKind.StateChanged, At = DateTimeOffset.UtcNow, State = final, Message = error });
        await PublishCatalogEntry();
        await StopReminder();
    }

    /// <summary>Asks every silo with units of this job to stop them, and waits (bounded) until they have.</summary>
    private async Task StopUnitsAsync()
    {
        var silos = scheduler?.InFlight.Keys.ToList() ?? [];
        var stops = silos.Select(async key =>
        {
            try
            {
                await GrainFactory.GetGrain<IWorkerGrain>(key).CancelJob(JobId).WaitAsync(TimeSpan.FromSeconds(60));
            }
            catch (Exception e)
            {
                logger.LogWarning("Job {Job}: silo {Silo} did not confirm that its units stopped: {Error}", JobId, key, e.Message);
            }
        });
        await Task.WhenAll(stops);
    }

    private Task StopReminder() => new GrainReminderSwitch(this, ResumeReminder, logger).RemoveAsync();

    private Task SaveAsync() => writer.WriteAsync(() =>
    {
        dirty = false;
        lastSave = DateTimeOffset.UtcNow;
    });

    private Task PublishCatalogEntry() =>
        GrainFactory.GetGrain<IJobCatalogGrain>("default").Upsert(JobViews.CatalogEntry(JobId, State, plan, scheduler?.DoneCount ?? 0, ElapsedSeconds()));

    private void Notify(JobEvent jobEvent) => observers?.Notify(o => o.OnJobEvent(jobEvent));

    private double ElapsedSeconds() => State.EarlierSeconds + clock.Elapsed.TotalSeconds;

    private JobStatus Snapshot() => JobViews.Status(JobId, State, plan, scheduler, ElapsedSeconds(), localSilo.Name);
}
