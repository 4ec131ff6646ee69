using System.Diagnostics;
using System.Text.Json;
using FusionCluster.Core.Execution;
using FusionCluster.Core.Methods;
using FusionCluster.Core.Planning;
using FusionCluster.Core.Storage;
using FusionCluster.Grains.Abstractions;
using FusionCluster.Grains.Jobs.Metrics;
using FusionCluster.Grains.Jobs.Planning;
using FusionCluster.Grains.Jobs.Publishing;
using FusionCluster.Grains.Jobs.Scheduling;
using FusionCluster.Grains.Jobs.Views;
using FusionCluster.Grains.Workers;
using Microsoft.Extensions.Hosting;
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
public sealed partial class MergeJobGrain(
    [PersistentState("job", FusionStorageNames.Jobs)] IPersistentState<MergeJobState> store,
    [PersistentState("plan", FusionStorageNames.Jobs)] IPersistentState<MergeJobPlanState> planStore,
    ArtifactStores stores,
    CheckpointCache checkpoints,
    ClusterWorkers workers,
    IMergeMethodCatalog methods,
    ILocalSiloDetails localSilo,
    IOptions<JobOptions> options,
    IHostApplicationLifetime lifetime,
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

    // Completed when this activation sees the job end; WhenFinished callers wait on it.
    private readonly TaskCompletionSource ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private IReadOnlyList<WorkerSilo> activeWorkers = [];
    private ObserverManager<IJobObserver>? observers;
    private MergePlan? plan;
    private UnitScheduler? scheduler;
    private IGrainTimer? pump;
    private bool dirty;
    private DateTimeOffset lastSave;
    private DateTimeOffset lastSample;
    private bool publishing;

    /// <summary>
    /// A Cancel that came before Start: Orleans does not keep a client's calls in order, and a Ctrl-C while the embedded
    /// silo starts sends both at once. Cancel found no request and did nothing, and the job then ran and published.
    /// </summary>
    private bool cancelledBeforeStart;

    /// <summary>
    /// The state the job had when <see cref="FinishAsync"/> began to end it, which its status shows until the end is
    /// recorded (saved, and in the job catalog); null otherwise. A caller that acted on an end not yet saved (a sweep
    /// moving on, `fusion` stopping its embedded silo) could lose it: a job whose silo stops or dies then resumes from
    /// the state saved before, and a sweep would have taken a job for finished that runs or publishes again.
    /// </summary>
    private JobState? shownUntilEndRecorded;

    /// <summary>In a job that publishes its best: the candidates' sums so far, kept for finding the leader (built again after a restart).</summary>
    private LeaderTally? leaderTally;

    private MergeJobState State => store.State;

    private string JobId => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        observers = new ObserverManager<IJobObserver>(TimeSpan.FromMinutes(2), logger);
        if (State.PlanStored || State.PlanJson is not null)
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
        if (cancelledBeforeStart)
        {
            await FinishAsync(JobState.Cancelled, "cancelled before it started", null);
            return Snapshot();
        }

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
            // Written once, before the job's state says it is planned: every later write of that state leaves it out.
            planStore.State.PlanJson = JsonSerializer.Serialize(merged, PlanJson);
            await planStore.WriteStateAsync();
            if (State.State == JobState.Cancelled)
            {
                // Cancelled while planning (Cancel interleaves): what planning staged goes, and nothing runs.
                if (staged.Output is not null)
                {
                    await staged.Output.DiscardAsync(CancellationToken.None);
                }

                await SharedInputStaging.DiscardAsync(merged.Candidates ?? [], stores);

                return Snapshot();
            }

            State.PlanStored = true;
            State.PlannedInputVersions = staged.InputVersions;
            State.OutputLocation = staged.OutputLocation;
            State.Units = JobSchedule.For(merged, request.Scoring?.PublishBest is not null).Units.Select(_ => new UnitRecord()).ToArray();
            State.Candidates = CandidateViews.Planned(merged);
            State.Warnings.AddRange(merged.Warnings);
            if (request.ProbeUnits == 0 && methods.FallbackNote(merged.Method, device) is { } fallback)
            {
                logger.LogWarning("Job {Job}: {Note}", JobId, fallback);
                State.Warnings.Add(fallback);
            }

            State.State = JobState.Running;
            UsePlan(merged);
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

    public async Task<JobStatus> WhenFinished(TimeSpan patience)
    {
        if (!Snapshot().IsFinished)
        {
            try
            {
                // Not past the silo's stopping: Orleans deactivates an activation only once no call is running in it, so
                // an open wait would hold a graceful shutdown for the rest of its patience.
                await ended.Task.WaitAsync(patience, lifetime.ApplicationStopping);
            }
            catch (Exception e) when (e is TimeoutException or OperationCanceledException)
            {
                // Not finished yet: the caller asks again (of the next activation, when this silo is stopping).
            }
        }

        return Snapshot();
    }

    public Task<IReadOnlyList<UnitStatus>> GetUnits() => Task.FromResult(JobViews.Units(State, plan));

    public Task<IReadOnlyList<JobMetricSample>> GetMetrics() => Task.FromResult<IReadOnlyList<JobMetricSample>>(State.Samples.ToList());

    public async Task Cancel()
    {
        if (State.Request is null)
        {
            cancelledBeforeStart = true;
            return;
        }

        if (State.State is JobState.Succeeded or JobState.Failed or JobState.Cancelled)
        {
            return;
        }

        await cancellation.CancelAsync();
        if (publishing)
        {
            // The publish decides: before its commit point it stops, and the job ends cancelled without
            // its staging; past it the model is out, and the job succeeds.
            return;
        }

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

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (State.State is JobState.Succeeded or JobState.Failed or JobState.Cancelled)
        {
            await StopReminder();
        }

        // Otherwise activation alone resumed the job (OnActivateAsync); nothing more to do.
    }

    /// <summary>The plan of a job planned before this activation, read back from the job store.</summary>
    private void LoadPlan()
    {
        var json = State.PlanStored ? planStore.State.PlanJson : State.PlanJson;
        if (json is null)
        {
            throw new InvalidOperationException($"job {JobId} was planned, but its plan is not in the job store");
        }

        UsePlan(JsonSerializer.Deserialize<MergePlan>(json, PlanJson)!);
    }

    /// <summary>
    /// Runs the job by <paramref name="planned"/>: the plan just made and stored (not read back: at a hundred candidates
    /// its JSON is 14 MB, a quarter of a second to parse), or the stored one a resumed job loads. They are the same plan
    /// because every field of its JSON reads back (<c>SharedInputPlannerTests</c>, <c>MergePlannerTokenizerTests</c>).
    /// </summary>
    private void UsePlan(MergePlan planned)
    {
        plan = planned;
        scheduler = new UnitScheduler(State.Units, JobSchedule.For(plan, State.Request?.Scoring?.PublishBest is not null), settings);
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
                if (await publisher.PublishAsync(JobId, plan!, State, ElapsedSeconds(), cancellation.Token) is { } failure)
                {
                    await FinishAsync(JobState.Failed, failure, null);
                    return;
                }
            }

            await FinishAsync(JobState.Succeeded, null, null);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            await FinishAsync(JobState.Cancelled, "cancelled", null);
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
        shownUntilEndRecorded = State.State;
        State.EarlierSeconds = ElapsedSeconds();
        clock.Reset();
        State.State = final;
        State.Error = error;
        State.FinishedAt = DateTimeOffset.UtcNow;
        pump?.Dispose();
        pump = null;
        SampleProgress(force: true);
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
            if (State.OutputLocation is { Length: > 0 } location && await publisher.TryDiscardAsync(location, JobId) is { } failure)
            {
                logger.LogWarning(failure, "Job {Job}: could not remove its staged output", JobId);
            }

            if (plan?.Candidates is { } candidates && await SharedInputStaging.DiscardAsync(candidates, stores) is { } missed)
            {
                logger.LogWarning(missed, "Job {Job}: could not remove a candidate's staged output", JobId);
            }
        }

        scheduler?.ReleaseAll();
        try
        {
            await SaveAsync();
            try
            {
                await PublishCatalogEntry();
            }
            catch (Exception e)
            {
                // The catalog is a listing; the job's own state, saved, is what counts, and its callers still hear of the end.
                logger.LogWarning(e, "Job {Job}: could not record its end in the job catalog", JobId);
            }
        }
        finally
        {
            // Shown from here on even when saving it failed, as before: the exception says why.
            shownUntilEndRecorded = null;
        }

        Notify(new JobEvent { JobId = JobId, Kind = JobEventKind.StateChanged, At = DateTimeOffset.UtcNow, State = final, Message = error });
        ended.TrySetResult();
        await StopReminder();
    }

    /// <summary>Adds a progress sample to the job's kept curve, at most every <see cref="JobOptions.SampleInterval"/> unless forced (the last one).</summary>
    private void SampleProgress(bool force = false)
    {
        var now = DateTimeOffset.UtcNow;
        if (!force && now - lastSample < settings.SampleInterval)
        {
            return;
        }

        lastSample = now;
        var status = Snapshot();
        var history = new JobMetricHistory(State.Samples, State.SampleSpacing > TimeSpan.Zero ? State.SampleSpacing : settings.SampleInterval);
        history.Add(new JobMetricSample { At = now, ElapsedSeconds = status.ElapsedSeconds, BytesDone = status.BytesDone, UnitsRunning = status.UnitsRunning, UnitsDone = status.UnitsDone });
        State.SampleSpacing = history.Spacing;
        dirty = true;
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

    private JobStatus Snapshot()
    {
        var status = JobViews.Status(JobId, State, plan, scheduler, ElapsedSeconds(), localSilo.Name);
        return shownUntilEndRecorded is { } shown ? status with { State = shown } : status;
    }
}
