using System.Diagnostics;
using System.Text.Json;
using FusionCluster.Core.Execution;
using FusionCluster.Core.Methods;
using FusionCluster.Core.Planning;
using FusionCluster.Core.Specs;
using FusionCluster.Core.Storage;
using FusionCluster.Grains.Abstractions;
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
/// reports, heartbeats and status queries interleave; all state changes happen between awaits.
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
    private readonly SortedSet<int> ready = [];
    private readonly HashSet<int> running = [];
    private readonly Dictionary<string, int> inFlight = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SiloTally> tallies = new(StringComparer.Ordinal);

    // Stops work that only this grain does for the job (hashing inputs before publishing) when the job is
    // cancelled. Not on deactivation: a publish cut short there would fail the job, one left running, or
    // redone by the next activation, does not. Never disposed: that work may still hold its token.
    private readonly CancellationTokenSource cancellation = new();

    private IReadOnlyList<WorkerSilo> activeWorkers = [];
    private long doneBytes;
    private ObserverManager<IJobObserver>? observers;
    private MergePlan? plan;
    private int[][] dependents = [];
    private int[] missingDependencies = [];
    private IGrainTimer? pump;
    private bool dirty;
    private DateTimeOffset lastSave;
    private bool publishing;
    private int doneCount;

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
            var lease = DateTimeOffset.UtcNow + settings.LeaseDuration;
            foreach (var unit in State.Units.Where(u => u.State == UnitState.Running))
            {
                unit.LeaseExpires = lease;
            }

            logger.LogInformation("Job {Job} resumes: {Done}/{Total} units done", JobId, doneCount, State.Units.Length);
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
            var (merged, location, staged, versions) = await Task.Run(async () =>
            {
                if (request.ProbeUnits > 0)
                {
                    return (DispatchProbe.Plan(request.ProbeUnits), "", (IMergeOutput?)null, (Dictionary<string, string[]>?)null);
                }

                var spec = MergeSpecParser.Parse(request.SpecText, request.SpecName);
                var resolved = stores.Resolve(request.Output, request.SpecDirectory, mustExist: false);
                var target = stores.OpenOutput(resolved, jobId);
                await target.CheckAsync(request.Overwrite, CancellationToken.None);
                var models = await ModelCatalog.LoadAsync(spec, request.SpecDirectory, stores, checkpoints, CancellationToken.None);
                var result = MergePlanner.Plan(spec, models, new PlanOptions { Seed = request.Seed, ShardSizeBytes = request.ShardSizeBytes });
                output = target;
                var planned = await InputVersionsAsync(result);
                await target.PrepareAsync(result, CancellationToken.None);
                return (result, resolved, (IMergeOutput?)target, planned);
            });
            if (State.State == JobState.Cancelled)
            {
                // Cancelled while planning (Cancel interleaves): what planning staged goes, and nothing runs.
                if (staged is not null)
                {
                    await staged.DiscardAsync(CancellationToken.None);
                }

                return Snapshot();
            }

            State.PlanJson = JsonSerializer.Serialize(merged, PlanJson);
            State.PlannedInputVersions = versions;
            State.OutputLocation = location;
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

    public Task<IReadOnlyList<UnitStatus>> GetUnits()
    {
        var units = new List<UnitStatus>(State.Units.Length);
        for (var i = 0; i < State.Units.Length; i++)
        {
            var unit = State.Units[i];
            var planned = plan?.Units[i];
            units.Add(new UnitStatus
            {
                Index = i,
                Name = planned?.Name ?? $"unit {i}",
                State = unit.State,
                Attempts = unit.Attempt,
                Silo = unit.SiloName,
                InputBytes = planned?.InputBytes ?? 0,
                BytesDone = unit.State == UnitState.Done ? planned?.InputBytes ?? 0 : unit.BytesDone,
                Seconds = unit.Result?.Seconds ?? 0,
                LastError = unit.LastError,
            });
        }

        return Task.FromResult<IReadOnlyList<UnitStatus>>(units);
    }

    public async Task Cancel()
    {
        if (State.State is JobState.Succeeded or JobState.Failed or JobState.Cancelled || State.Request is null)
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

    public async Task Report(UnitReport report)
    {
        if (report.Unit < 0 || report.Unit >= State.Units.Length)
        {
            return;
        }

        var unit = State.Units[report.Unit];
        if (State.State != JobState.Running || unit.State != UnitState.Running || unit.Attempt != report.Attempt)
        {
            // A late report of an attempt the job already gave up on, or of a finished job: the output is
            // the same bytes either way, so there is nothing to reconcile.
            return;
        }

        var now = DateTimeOffset.UtcNow;
        switch (report.Outcome)
        {
            case UnitOutcome.Succeeded:
                StopRunning(report.Unit);
                unit.State = UnitState.Done;
                unit.Result = report.Result;
                unit.BytesDone = plan!.Units[report.Unit].InputBytes;
                unit.LastError = null;
                doneCount++;
                doneBytes += unit.BytesDone;
                var tally = tallies.TryGetValue(unit.SiloName!, out var found) ? found : tallies[unit.SiloName!] = new SiloTally();
                tally.UnitsDone++;
                tally.Bytes += unit.BytesDone;
                tally.Seconds += report.Result?.Seconds ?? 0;
                foreach (var next in dependents[report.Unit])
                {
                    if (--missingDependencies[next] == 0 && State.Units[next].State == UnitState.Pending)
                    {
                        ready.Add(next);
                    }
                }

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
                unit.LastError = report.Error;
                unit.Failures++;
                if (report.IsPermanent || unit.Failures >= settings.MaxAttempts)
                {
                    var name = plan!.Units[report.Unit].Name;
                    var tries = report.IsPermanent ? "" : $" after {unit.Failures} attempts";
                    await FinishAsync(JobState.Failed, $"unit {report.Unit} ({name}) failed{tries}: {report.Error}", null);
                    return;
                }

                Notify(new JobEvent { JobId = JobId, Kind = JobEventKind.UnitFailed, At = now, State = State.State, Unit = report.Unit, Silo = unit.SiloName, Message = report.Error });
                Requeue(report.Unit, report.Error ?? "failed", countsAsLoss: false);
                break;
        }

        dirty = true;
        if (doneCount == State.Units.Length)
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
        var expires = DateTimeOffset.UtcNow + settings.LeaseDuration;
        foreach (var lease in leases)
        {
            if (lease.Unit >= 0 && lease.Unit < State.Units.Length
                && State.Units[lease.Unit] is { State: UnitState.Running } unit && unit.Attempt == lease.Attempt && unit.SiloKey == silo)
            {
                unit.LeaseExpires = expires;
                unit.BytesDone = lease.BytesDone;
            }
        }

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
        var count = plan.Units.Count;
        var after = Enumerable.Range(0, count).Select(_ => new List<int>()).ToArray();
        missingDependencies = new int[count];
        ready.Clear();
        running.Clear();
        inFlight.Clear();
        tallies.Clear();
        doneCount = 0;
        doneBytes = 0;
        for (var i = 0; i < count; i++)
        {
            foreach (var dependency in plan.Units[i].DependsOn)
            {
                after[dependency].Add(i);
                if (State.Units[dependency].State != UnitState.Done)
                {
                    missingDependencies[i]++;
                }
            }
        }

        dependents = after.Select(a => a.ToArray()).ToArray();
        for (var i = 0; i < count; i++)
        {
            var unit = State.Units[i];
            if (unit.State == UnitState.Done)
            {
                doneCount++;
                doneBytes += unit.BytesDone;
                if (unit.SiloName is not null)
                {
                    var tally = tallies.TryGetValue(unit.SiloName, out var found) ? found : tallies[unit.SiloName] = new SiloTally();
                    tally.UnitsDone++;
                    tally.Bytes += unit.BytesDone;
                    tally.Seconds += unit.Result?.Seconds ?? 0;
                }
            }
            else if (unit.State == UnitState.Running)
            {
                running.Add(i);
                inFlight[unit.SiloKey!] = inFlight.GetValueOrDefault(unit.SiloKey!) + 1;
            }
            else if (State.Units[i].State == UnitState.Pending && missingDependencies[i] == 0)
            {
                ready.Add(i);
            }
        }
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
            if (doneCount == State.Units.Length)
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
        var now = DateTimeOffset.UtcNow;
        var alive = activeWorkers.Select(w => w.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var i in running.ToList())
        {
            var unit = State.Units[i];
            if (!alive.Contains(unit.SiloKey!))
            {
                Requeue(i, $"silo {unit.SiloName} left the cluster", countsAsLoss: true);
            }
            else if (unit.LeaseExpires < now)
            {
                Requeue(i, $"lease on silo {unit.SiloName} expired", countsAsLoss: true);
            }
        }
    }

    private void Requeue(int index, string reason, bool countsAsLoss)
    {
        var unit = State.Units[index];
        StopRunning(index);
        unit.State = UnitState.Pending;
        var silo = unit.SiloName;
        unit.SiloKey = null;
        unit.SiloName = null;
        unit.BytesDone = 0;
        if (countsAsLoss && ++unit.Losses > settings.MaxLosses)
        {
            _ = FinishAsync(JobState.Failed, $"unit {index} ({plan!.Units[index].Name}) was lost {unit.Losses} times; last: {reason}", null);
            return;
        }

        if (missingDependencies[index] == 0)
        {
            ready.Add(index);
        }

        State.Retries++;
        dirty = true;
        logger.LogInformation("Job {Job}: unit {Unit} goes back to the queue: {Reason}", JobId, index, reason);
        Notify(new JobEvent { JobId = JobId, Kind = JobEventKind.UnitRequeued, At = DateTimeOffset.UtcNow, State = State.State, Unit = index, Silo = silo, Message = reason });
    }

    private void StopRunning(int index)
    {
        if (running.Remove(index) && State.Units[index].SiloKey is { } silo && --inFlight[silo] == 0)
        {
            inFlight.Remove(silo);
        }
    }

    private void Dispatch()
    {
        var active = activeWorkers;
        if (ready.Count == 0 || active.Count == 0 || State.State != JobState.Running)
        {
            return;
        }

        var jobCap = State.Request!.MaxParallelUnits > 0 ? State.Request.MaxParallelUnits : int.MaxValue;
        var device = State.Request.Device;
        var now = DateTimeOffset.UtcNow;

        // One unit at a time to the least loaded silo (in-flight units per slot), so that work spreads over
        // every silo and a silo that has just joined takes units at once.
        var batches = new Dictionary<WorkerSilo, List<UnitDispatch>>();
        while (ready.Count > 0 && running.Count < jobCap)
        {
            var silo = active
                .Where(s => JobDevice.CanRun(s, device))
                .Where(s => inFlight.GetValueOrDefault(s.Key) < (int)Math.Ceiling(s.Slots * settings.QueueFactor))
                .OrderBy(s => (double)inFlight.GetValueOrDefault(s.Key) / s.Slots)
                .ThenBy(s => s.Key, StringComparer.Ordinal)
                .FirstOrDefault();
            if (silo is null)
            {
                break;
            }

            var index = ready.Min;
            ready.Remove(index);
            var unit = State.Units[index];
            unit.State = UnitState.Running;
            unit.Attempt++;
            unit.SiloKey = silo.Key;
            unit.SiloName = silo.Name;
            unit.LeaseExpires = now + settings.LeaseDuration;
            running.Add(index);
            inFlight[silo.Key] = inFlight.GetValueOrDefault(silo.Key) + 1;
            var batch = batches.TryGetValue(silo, out var existing) ? existing : batches[silo] = [];
            batch.Add(new UnitDispatch(unit.Attempt, UnitAssignment.For(JobId, plan!, plan!.Units[index], State.OutputLocation!, device, State.PlannedInputVersions)));
            Notify(new JobEvent { JobId = JobId, Kind = JobEventKind.UnitStarted, At = now, State = State.State, Unit = index, Silo = silo.Name });
        }

        foreach (var (silo, batch) in batches)
        {
            dirty = true;
            _ = SendAsync(silo, batch);
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
                if (State.Units[index] is { State: UnitState.Running } unit && unit.Attempt == dispatch.Attempt && unit.SiloKey == silo.Key)
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
                var merged = plan!;
                var request = State.Request;
                var results = State.Units.Select(u => u.Result).OfType<UnitResult>().ToList();
                var seconds = ElapsedSeconds();
                var output = stores.OpenOutput(State.OutputLocation!, JobId);
                var plannedVersions = State.PlannedInputVersions?.ToDictionary(p => p.Key, p => (IReadOnlyList<string>)p.Value, StringComparer.Ordinal);
                var token = cancellation.Token;
                await Task.Run(async () =>
                {
                    // One checkpoint per location, so that the hashes and the fingerprints describe the same opened files.
                    var byLocation = new Dictionary<string, ICheckpoint>(StringComparer.Ordinal);
                    var inputs = new Dictionary<string, ICheckpoint>(StringComparer.Ordinal);
                    foreach (var (model, location) in merged.ModelPaths)
                    {
                        if (!byLocation.TryGetValue(location, out var checkpoint))
                        {
                            checkpoint = byLocation[location] = await checkpoints.GetAsync(location, CancellationToken.None);
                        }

                        inputs[model] = checkpoint;
                    }

                    // Before publishing: hashing reads each file at the version the job planned with, or fails,
                    // so a hash that reaches the report is of the bytes the units merged.
                    var hashes = request.InputHash == InputHashMode.Full
                        ? await InputContentHasher.HashAsync(byLocation, plannedVersions ?? [], ContentHashOptions.Default, token)
                        : null;
                    var report = MergeReport.Build(request.SpecText, merged, request.Seed, results, seconds, inputs, hashes);
                    // Which backend computed the tensors belongs with the result: cpu and cuda agree only to float32 rounding.
                    report["device"] = request.Device;
                    if (methods.FallbackNote(merged.Method, request.Device) is { } fallback)
                    {
                        report["warnings"]!.AsArray().Add(fallback);
                    }

                    var files = await MergeArtifacts.BuildAsync(merged, report, checkpoints, CancellationToken.None);

                    // The commit point: a cancel that arrived before it publishes nothing.
                    token.ThrowIfCancellationRequested();
                    await output.PublishAsync(merged, files, CancellationToken.None);
                });
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

    /// <summary>
    /// Every input's weight file versions as the job's checkpoints hold them when it plans. Units read exactly
    /// these (or fail), so a model replaced mid-job can never mix old and new weights in one output.
    /// </summary>
    private async Task<Dictionary<string, string[]>> InputVersionsAsync(MergePlan merged)
    {
        var versions = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var location in merged.ModelPaths.Values.Distinct(StringComparer.Ordinal))
        {
            versions[location] = [.. (await checkpoints.GetAsync(location, CancellationToken.None)).WeightFileVersions];
        }

        return versions;
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

        foreach (var index in running)
        {
            State.Units[index].State = UnitState.Pending;
        }

        running.Clear();
        inFlight.Clear();
        await SaveAsync();
        Notify(new JobEvent { JobId = JobId, Kind = JobEventKind.StateChanged, At = DateTimeOffset.UtcNow, State = final, Message = error });
        await PublishCatalogEntry();
        await StopReminder();
    }

    /// <summary>Asks every silo with units of this job to stop them, and waits (bounded) until they have.</summary>
    private async Task StopUnitsAsync()
    {
        var silos = inFlight.Keys.ToList();
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

    private async Task StopReminder()
    {
        try
        {
            if (await this.GetReminder(ResumeReminder) is { } reminder)
            {
                await this.UnregisterReminder(reminder);
            }
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Job {Job}: could not remove its resume reminder", JobId);
        }
    }

    private Task SaveAsync() => writer.WriteAsync(() =>
    {
        dirty = false;
        lastSave = DateTimeOffset.UtcNow;
    });

    private Task PublishCatalogEntry() =>
        GrainFactory.GetGrain<IJobCatalogGrain>("default").Upsert(new JobSummary
        {
            JobId = JobId,
            SpecName = State.Request?.SpecName ?? "",
            Method = plan?.Method ?? "",
            Output = State.OutputLocation ?? State.Request?.Output ?? "",
            SubmittedAt = State.SubmittedAt,
            SubmittedBy = State.Request?.SubmittedBy ?? "",
            State = State.State,
            UnitsTotal = State.Units.Length,
            UnitsDone = doneCount,
            BytesTotal = plan?.TotalInputBytes ?? 0,
            FinishedAt = State.FinishedAt,
            Error = State.Error,
            ElapsedSeconds = ElapsedSeconds(),
        });

    private void Notify(JobEvent jobEvent) => observers?.Notify(o => o.OnJobEvent(jobEvent));

    private double ElapsedSeconds() => State.EarlierSeconds + clock.Elapsed.TotalSeconds;

    private JobStatus Snapshot()
    {
        var runningBySilo = running.Select(i => State.Units[i]).GroupBy(u => u.SiloName!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var shares = tallies.Keys.Union(runningBySilo.Keys)
            .Order(StringComparer.Ordinal)
            .Select(name =>
            {
                var tally = tallies.GetValueOrDefault(name);
                var busy = runningBySilo.GetValueOrDefault(name) ?? [];
                return new SiloShare(name, tally?.UnitsDone ?? 0, (tally?.Bytes ?? 0) + busy.Sum(u => u.BytesDone), tally?.Seconds ?? 0, busy.Count);
            })
            .ToList();
        var bytesDone = doneBytes + running.Sum(i => State.Units[i].BytesDone);
        return new JobStatus
        {
            JobId = JobId,
            State = State.State,
            SpecName = State.Request?.SpecName ?? "",
            Method = plan?.Method ?? "",
            SubmittedAt = State.SubmittedAt,
            UnitsTotal = State.Units.Length,
            UnitsDone = doneCount,
            UnitsRunning = running.Count,
            BytesTotal = plan?.TotalInputBytes ?? 0,
            BytesDone = bytesDone,
            BytesOutput = plan?.TotalOutputBytes ?? 0,
            ElapsedSeconds = ElapsedSeconds(),
            Error = State.Error,
            Warnings = State.Warnings.ToList(),
            Output = State.OutputLocation ?? State.Request?.Output,
            Retries = State.Retries,
            Silos = shares,
            Coordinator = localSilo.Name,
            SpecText = State.Request?.SpecText ?? "",
            Device = State.Request?.Device ?? "",
        };
    }
}
