using FusionCluster.Core.Execution;
using FusionCluster.Grains.Abstractions;
using FusionCluster.Grains.Jobs;
using FusionCluster.Grains.Placement;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Runtime;

namespace FusionCluster.Grains.Workers;

/// <summary>
/// Runs the units jobs send to this silo, at most <see cref="WorkerProfile.UnitSlots"/> at once and off
/// the Orleans scheduler (the work is long and CPU-bound). Heartbeats renew the leases of everything
/// it holds, queued or running. When the silo shuts down gracefully, its units are handed back.
/// </summary>
[SiloPinnedPlacement]
[Reentrant]
public sealed class WorkerGrain(
    WorkUnitExecutor executor,
    UnitProgressBoard progress,
    WorkerProfile profile,
    IOptions<JobOptions> options,
    ILogger<WorkerGrain> logger) : Grain, IWorkerGrain
{
    private static readonly TimeSpan ReportPatience = TimeSpan.FromMinutes(5);

    private readonly Dictionary<(string Job, int Unit), HeldUnit> held = [];
    private readonly CancellationTokenSource stopping = new();
    private readonly Queue<(DateTimeOffset At, long Bytes)> finished = new();
    private int runningNow;
    private long completed;
    private SemaphoreSlim? slots;
    private IGrainTimer? heartbeat;

    private string SiloKey => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        slots = new SemaphoreSlim(Math.Max(1, profile.UnitSlots));
        heartbeat = this.RegisterGrainTimer(
            _ => RenewLeasesAsync(),
            new GrainTimerCreationOptions { DueTime = options.Value.HeartbeatInterval, Period = options.Value.HeartbeatInterval, Interleave = true, KeepAlive = true });
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        heartbeat?.Dispose();
        if (held.Count > 0)
        {
            logger.LogInformation("Worker on {Silo} stops ({Reason}); handing back {Count} units", SiloKey, reason.Description, held.Count);
            await stopping.CancelAsync();
            await Task.WhenAll(held.Values.Select(h => h.Run)).WaitAsync(TimeSpan.FromSeconds(20), CancellationToken.None).ContinueWith(_ => { }, TaskScheduler.Current);
        }
    }

    public Task Run(string jobId, IReadOnlyList<UnitDispatch> units)
    {
        foreach (var dispatch in units)
        {
            var key = (jobId, dispatch.Assignment.Unit.Index);
            if (held.TryGetValue(key, out var existing))
            {
                if (existing.Attempt >= dispatch.Attempt)
                {
                    continue;
                }

                existing.Cancellation.Cancel();
            }

            var unit = new HeldUnit(dispatch.Attempt, CancellationTokenSource.CreateLinkedTokenSource(stopping.Token));
            held[key] = unit;
            unit.Run = RunAsync(jobId, dispatch, unit);
        }

        return Task.CompletedTask;
    }

    public async Task CancelJob(string jobId)
    {
        var units = held.Where(h => h.Key.Job == jobId).Select(h => h.Value).ToList();
        foreach (var unit in units)
        {
            await unit.Cancellation.CancelAsync();
        }

        await Task.WhenAll(units.Select(u => u.Run));
    }

    public Task<WorkerLoad> GetLoad()
    {
        var window = TimeSpan.FromMinutes(1);
        var since = DateTimeOffset.UtcNow - window;
        while (finished.TryPeek(out var oldest) && oldest.At < since)
        {
            finished.Dequeue();
        }

        var bytes = finished.Sum(f => f.Bytes) + held.Values.Sum(h => Interlocked.Read(ref h.BytesDone));
        return Task.FromResult(new WorkerLoad(runningNow, held.Count - runningNow, completed, bytes / window.TotalSeconds));
    }

    private async Task RunAsync(string jobId, UnitDispatch dispatch, HeldUnit unit)
    {
        var index = dispatch.Assignment.Unit.Index;
        UnitReport report;
        var acquired = false;
        FusionMetrics.UnitQueued();
        try
        {
            await slots!.WaitAsync(unit.Cancellation.Token);
            acquired = true;
            runningNow++;
            FusionMetrics.UnitStarted();
            // On the board from here until it returns: bytes read and beats of its compute loop are its progress.
            using var running = progress.Start(jobId, index, dispatch.Attempt);
            var result = await Task.Run(
                () => UnitProgress.ListenAsync(running.Beat, () => executor.ExecuteAsync(dispatch.Assignment, bytes =>
                {
                    running.Beat();
                    Interlocked.Add(ref unit.BytesDone, bytes);
                    FusionMetrics.InputRead(bytes);
                }, unit.Cancellation.Token)),
                unit.Cancellation.Token);
            report = new UnitReport { Unit = index, Attempt = dispatch.Attempt, Silo = SiloKey, Outcome = UnitOutcome.Succeeded, Result = result };
            completed++;
            finished.Enqueue((DateTimeOffset.UtcNow, result.InputBytes));
        }
        catch (OperationCanceledException) when (unit.Cancellation.IsCancellationRequested)
        {
            report = new UnitReport { Unit = index, Attempt = dispatch.Attempt, Silo = SiloKey, Outcome = UnitOutcome.Returned };
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Job {Job} unit {Unit} attempt {Attempt} failed", jobId, index, dispatch.Attempt);
            report = new UnitReport
            {
                Unit = index,
                Attempt = dispatch.Attempt,
                Silo = SiloKey,
                Outcome = UnitOutcome.Failed,
                Error = FailureClassifier.Describe(e),
                IsPermanent = FailureClassifier.IsPermanent(e),
            };
        }
        finally
        {
            if (acquired)
            {
                runningNow--;
                slots!.Release();
            }
        }

        if (held.TryGetValue((jobId, index), out var current) && ReferenceEquals(current, unit))
        {
            held.Remove((jobId, index));
        }

        FusionMetrics.UnitFinished(report.Outcome, report.Result?.InputBytes ?? 0, started: acquired);
        await DeliverAsync(jobId, report);
    }

    /// <summary>
    /// The job may be re-activating on another silo (its own silo may have just died), so a report is
    /// retried for a while; a report that never arrives only costs a re-run of the unit.
    /// </summary>
    private async Task DeliverAsync(string jobId, UnitReport report)
    {
        var job = GrainFactory.GetGrain<IMergeJobGrain>(jobId);
        var delay = TimeSpan.FromMilliseconds(200);
        var deadline = DateTimeOffset.UtcNow + ReportPatience;
        while (true)
        {
            try
            {
                await job.Report(report);
                return;
            }
            catch (Exception e) when (DateTimeOffset.UtcNow < deadline)
            {
                logger.LogInformation("Job {Job} unit {Unit}: report not delivered yet ({Error}); retrying", jobId, report.Unit, e.Message);
                await Task.Delay(delay);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Job {Job} unit {Unit}: giving up on reporting; its lease will expire and the unit runs again", jobId, report.Unit);
                return;
            }
        }
    }

    private async Task RenewLeasesAsync()
    {
        foreach (var job in held.GroupBy(h => h.Key.Job))
        {
            var leases = job.Select(h => new UnitLease(h.Key.Unit, h.Value.Attempt, Interlocked.Read(ref h.Value.BytesDone))).ToList();
            try
            {
                await GrainFactory.GetGrain<IMergeJobGrain>(job.Key).RenewLeases(SiloKey, leases);
            }
            catch (Exception e)
            {
                logger.LogInformation("Job {Job}: lease renewal failed ({Error}); will try again", job.Key, e.Message);
            }
        }
    }
}
