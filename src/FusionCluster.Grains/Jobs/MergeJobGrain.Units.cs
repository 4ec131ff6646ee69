using FusionCluster.Core.Execution;
using FusionCluster.Grains.Abstractions;
using FusionCluster.Grains.Jobs.Scheduling;
using FusionCluster.Grains.Jobs.Views;
using Microsoft.Extensions.Logging;

namespace FusionCluster.Grains.Jobs;

/// <summary>
/// The job's traffic with its workers: reports and heartbeats coming in, the pump that reclaims lost
/// units and dispatches ready ones, and the calls that send and stop units. What to do is
/// <see cref="Scheduling.UnitScheduler"/>'s decision; this part carries it out.
/// </summary>
public sealed partial class MergeJobGrain
{
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
                // What an alignment unit found travels to the merge units as its phase result, kept once.
                scheduler.Complete(report.Unit, report.Result is { PhaseResult: not null } found ? found with { PhaseResult = null } : report.Result, report.Result?.PhaseResult, at: now);
                if (report.Result is { Warnings.Count: > 0 } result)
                {
                    State.Warnings.AddRange(result.Warnings);
                }

                Notify(new JobEvent { JobId = JobId, Kind = JobEventKind.UnitFinished, At = now, State = State.State, Unit = report.Unit, Silo = unit.SiloName, Bytes = unit.BytesDone, Seconds = report.Result?.Seconds ?? 0, Attempt = report.Attempt });
                break;
            case UnitOutcome.Returned:
                Requeue(report.Unit, "returned by its worker", countsAsLoss: false);
                break;
            default:
                if (scheduler.Fail(report.Unit, report.Error, report.IsPermanent, now) is { } failure)
                {
                    await FinishAsync(JobState.Failed, failure, null);
                    return;
                }

                Notify(new JobEvent { JobId = JobId, Kind = JobEventKind.UnitFailed, At = now, State = State.State, Unit = report.Unit, Silo = unit.SiloName, Message = report.Error, Attempt = report.Attempt, Outcome = UnitAttemptOutcome.Failed });
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
            SampleProgress();
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
        var now = DateTimeOffset.UtcNow;
        var attempt = State.Units[index].Attempt;
        var requeue = scheduler!.Requeue(index, reason, countsAsLoss, now);
        if (requeue.Fatal is { } fatal)
        {
            _ = FinishAsync(JobState.Failed, fatal, null);
            return;
        }

        State.Retries++;
        dirty = true;
        logger.LogInformation("Job {Job}: unit {Unit} goes back to the queue: {Reason}", JobId, index, reason);
        var ended = State.Units[index].History?.LastOrDefault(a => a.Attempt == attempt)?.Outcome ?? (countsAsLoss ? UnitAttemptOutcome.Lost : UnitAttemptOutcome.Returned);
        Notify(new JobEvent { JobId = JobId, Kind = JobEventKind.UnitRequeued, At = now, State = State.State, Unit = index, Silo = requeue.Silo, Message = reason, Attempt = attempt, Outcome = ended });
    }

    private void Dispatch()
    {
        if (State.State != JobState.Running || scheduler is null)
        {
            return;
        }

        var device = State.Request!.Device;
        var now = DateTimeOffset.UtcNow;
        var launches = State.Request.Scoring?.PublishBest is null
            ? scheduler.Dispatch(activeWorkers, device, State.Request.MaxParallelUnits, now)
            : scheduler.Dispatch(activeWorkers, device, ScoredBest.MaxRunning(State.Request.MaxParallelUnits, State.Units.Any(u => u.State == UnitState.Done)), now, ScoredBest.QueueFactor);
        foreach (var launch in launches)
        {
            Notify(new JobEvent { JobId = JobId, Kind = JobEventKind.UnitStarted, At = now, State = State.State, Unit = launch.Unit, Silo = launch.Silo.Name, Attempt = launch.Attempt });
        }

        int? leader = null;
        foreach (var batch in launches.GroupBy(l => l.Silo))
        {
            dirty = true;
            var dispatches = batch.Select(l => new UnitDispatch(l.Attempt, Assignment(l.Unit, device, ref leader))).ToList();
            _ = SendAsync(batch.Key, dispatches);
        }
    }

    /// <param name="leader">In a job that publishes its best: the leading candidate, found once per dispatch.</param>
    private UnitAssignment Assignment(int unit, string device, ref int? leader)
    {
        var scoring = State.Request!.Scoring;
        if (scoring?.PublishBest is not { } objective)
        {
            return PhaseAssignments.For(JobId, plan!, unit, scheduler!.InputsOf(unit), State.OutputLocation!, device, State.PlannedInputVersions) with { Scoring = scoring };
        }

        // The best phase's units follow the scoring units, one each.
        var scoringUnits = plan!.Units.Count;
        var shared = unit < scoringUnits ? unit : unit - scoringUnits;
        if (leader is null)
        {
            leaderTally ??= new LeaderTally(plan, scoring);
            leaderTally.Count(State.Units);
            leader = leaderTally.Leader(State.Candidates, objective);
        }

        var assignment = PhaseAssignments.For(JobId, plan, shared, [], State.OutputLocation!, device, State.PlannedInputVersions);
        return ScoredBest.Assign(assignment, unit, scoring, leader, unit < scoringUnits ? null : State.Units[shared].Result);
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
}
