using FusionCluster.Core.Sweeps;
using FusionCluster.Grains.Abstractions.Sweeps;
using FusionCluster.Grains.Sweeps.Runs;
using Microsoft.Extensions.Logging;

namespace FusionCluster.Grains.Sweeps;

/// <summary>
/// The run side of the sweep grain: starting a run, the pump that prepares it and moves it along
/// (through <see cref="Runs.SweepRunDriver"/>), and ending it, after which a queued run may start.
/// </summary>
public sealed partial class SweepGrain
{
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
            Definition = State.Definition,
        };
        State.Runs.Add(run);
        logger.LogInformation("Sweep {Sweep}: run {Run} starts ({Trigger})", SweepId, run.Number, trigger);
        await SaveAsync();
        await UpdateReminderAsync();
        StartPump();
        await PublishCatalogEntry();
        // A run queued behind another starts while the pump runs: it is prepared now, not at the pump's next check.
        _ = AdvanceAsync(stepNow: true);
        return run.Number;
    }

    private void StartPump() =>
        pump ??= this.RegisterGrainTimer(
            _ => AdvanceAsync(stepNow: false),
            new GrainTimerCreationOptions { DueTime = TimeSpan.Zero, Period = settings.PumpInterval, Interleave = true, KeepAlive = true });

    private void StopPump()
    {
        pump?.Dispose();
        pump = null;
    }

    /// <summary>
    /// Steps the active run (<see cref="StepAsync"/>), one step at a time. The pump calls it at each check; <paramref name="stepNow"/>
    /// when something the run waits for has happened (a job or an evaluation ended, the run was prepared): asked during a step,
    /// it is not dropped like a check but taken as another step once the running one ends.
    /// </summary>
    private async Task AdvanceAsync(bool stepNow)
    {
        if (deleting)
        {
            // A merge job cancelled by Delete ends and asks for a step: starting the next candidate's merge now would
            // leave its staging behind once the sweep is gone.
            return;
        }

        if (advancing)
        {
            stepAgain |= stepNow;
            return;
        }

        advancing = true;
        try
        {
            do
            {
                stepAgain = false;
                await StepAsync();
            }
            while (stepAgain);
        }
        finally
        {
            advancing = false;
        }
    }

    /// <summary>One step of the active run: prepare it, or move its candidates along and finish it when all are done.</summary>
    private async Task StepAsync()
    {
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
                // Prepared: its merges launch in the next step, at once.
                stepAgain |= run.IsActive;
                return;
            }

            var runSpec = await RunSpecAsync(run);
            if (!run.IsActive)
            {
                // Cancelled while its definition was parsed.
                return;
            }

            if (runSpec is null)
            {
                // Its template file changed into something invalid since the run was prepared.
                run.State = SweepRunState.Failed;
                run.Error = "the sweep no longer parses (see the silo log); fix it and run again";
                run.FinishedAt = clock.Now;
                await SaveAsync();
                await AfterRunAsync();
                return;
            }

            await Driver.PollMergesAsync(run, runSpec);
            await Driver.LaunchAsync(run, runSpec, State.Paused);
            // Cancelled while this step waited for a merge job or the output: the cancel ended it.
            if (run.IsActive && run.Candidates.All(c => c.IsFinished) && Driver.IsIdle(run.Number))
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
    }

    private async Task PrepareAsync(SweepRunRecord run)
    {
        var prepared = await Driver.PrepareAsync(run, run.Definition ?? State.Definition!);
        if (UsesCurrentDefinition(run))
        {
            spec = prepared ?? spec;
        }
        else if (prepared is not null)
        {
            olderRunSpec = (run.Number, prepared);
        }

        await SaveAsync();
        await PublishCatalogEntry();
        if (!run.IsActive)
        {
            await AfterRunAsync();
        }
    }

    private async Task FinishRunAsync(SweepRunRecord run)
    {
        finishingRun = run.Number;
        finishing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            await Driver.FinishAsync(State, run, (await RunSpecAsync(run))!);
            olderRunSpec = null;
            await SaveAsync();
        }
        finally
        {
            finishingRun = 0;
            finishing.TrySetResult();
            finishing = null;
        }

        await PublishCatalogEntry();
        await AfterRunAsync();
    }

    public async Task<SweepRunDetail?> CancelRun(int number)
    {
        if (State.Definition is null)
        {
            return null;
        }

        if (finishing is { } finish && (number == 0 || number == finishingRun))
        {
            // Ranked and promoting already: it ends as it would have, and the caller is told so.
            await finish.Task;
        }

        if (ActiveRun is not { } run || (number != 0 && run.Number != number))
        {
            return await GetRun(number);
        }

        // Ended here, between awaits, so no step interleaving from now on finds it going.
        var claimed = run.State == SweepRunState.Running;
        var objective = claimed ? new SweepObjective(run.ObjectiveMetric, run.Maximize ? ObjectiveDirection.Maximize : ObjectiveDirection.Minimize) : null;
        var jobs = SweepRunCancellation.Cancel(run, objective, clock.Now);
        dirty = true;
        logger.LogInformation("Sweep {Sweep}: run {Run} cancelled ({Jobs} merge jobs to cancel)", SweepId, run.Number, jobs.Count);
        await Driver.CancelJobsAsync(jobs);
        await Driver.CancelEvaluationsAsync(run);
        if (claimed && !Deleted && await RunSpecAsync(run) is var runSpec)
        {
            // A run still preparing has not claimed its output: nothing of it is written there.
            if (runSpec is null)
            {
                logger.LogWarning("Sweep {Sweep}: run {Run}'s definition no longer parses, so its record is not written to its output", SweepId, run.Number);
            }
            else
            {
                await Driver.WriteRecordAsync(run, runSpec);
            }
        }

        if (run.Number == olderRunSpec?.Run)
        {
            olderRunSpec = null;
        }

        if (!Deleted)
        {
            // A Delete that came while the jobs were cancelled has cleared the sweep: nothing of it is saved again.
            await SaveAsync();
            await PublishCatalogEntry();
            await AfterRunAsync();
        }

        return run.Detail();
    }

    /// <summary>The sweep is being deleted, or is gone.</summary>
    private bool Deleted => deleting || State.Definition is null;

    /// <summary>After a run ends: a queued run starts, otherwise the pump stops and the reminder goes if nothing needs it.</summary>
    private async Task AfterRunAsync()
    {
        if (ActiveRun is not null)
        {
            // Another ending of the same run got here first (a cancel during its preparation) and started the queued run.
            return;
        }

        if (State.QueuedTrigger is { } trigger && !State.Paused)
        {
            var occurrence = trigger == SweepTrigger.Schedule ? State.QueuedOccurrence : null;
            var occurrences = State.QueuedOccurrences;
            SweepQueue.Clear(State);
            await StartRunAsync(trigger, occurrence, trigger == SweepTrigger.Schedule ? occurrences : 0);
            return;
        }

        StopPump();
        await UpdateReminderAsync();
    }

    /// <summary>True when the run started with the sweep's definition in force (no edit since).</summary>
    private bool UsesCurrentDefinition(SweepRunRecord run) =>
        run.Definition is not { } started
        || (started.SpecText == State.Definition!.SpecText && started.SpecDirectory == State.Definition.SpecDirectory);

    /// <summary>The parsed definition the run goes by: the sweep's, or the one it started with when an edit came since. Null when it no longer parses.</summary>
    private async Task<SweepSpec?> RunSpecAsync(SweepRunRecord run)
    {
        if (UsesCurrentDefinition(run))
        {
            return spec ??= await TryParseAsync(State.Definition!);
        }

        if (olderRunSpec is not { } older || older.Run != run.Number)
        {
            olderRunSpec = await TryParseAsync(run.Definition!) is { } parsed ? (run.Number, parsed) : null;
        }

        return olderRunSpec?.Spec;
    }

    private void Enqueue(SweepTrigger trigger, DateTimeOffset occurrence, int occurrences)
    {
        SweepQueue.Enqueue(State, trigger, occurrence, occurrences);
        dirty = true;
    }

    private void Log(string action, ScheduledFire fire, int run) => SweepQueue.Log(State, clock.Now, fire, action, run, settings.ScheduleLogLength);

    private SweepRunRecord? FindActiveRun(int number) => State.Runs.FirstOrDefault(r => r.Number == number && r.IsActive);
}
