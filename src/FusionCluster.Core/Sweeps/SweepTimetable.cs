namespace FusionCluster.Core.Sweeps;

/// <summary>
/// Decides when a scheduled sweep runs. Orleans reminders tick at most once a minute and not exactly on
/// time, and none tick while the cluster is down, so every tick asks "is an occurrence due?" against the
/// persisted next due time rather than trusting the tick itself. Every occurrence that passed since then
/// folds into one fire: a sweep that was down for three periods runs once on recovery, not three times.
/// The clock is a <see cref="TimeProvider"/> so tests move time by hand.
/// </summary>
public sealed class SweepTimetable(SweepSchedule schedule, TimeProvider time)
{
    /// <summary>Counting missed occurrences stops here (a per-second cron down for a year would otherwise count for a while).</summary>
    public const int MaxFoldedOccurrences = 100_000;

    public SweepSchedule Schedule => schedule;

    /// <summary>The state of a schedule that starts now: the first occurrence after this moment is due next.</summary>
    public ScheduleState Start() => new(schedule.NextAfter(time.GetUtcNow()), null);

    /// <summary>One check, on a reminder tick. <paramref name="runActive"/>: a run of the sweep is going now.</summary>
    public TickOutcome Tick(ScheduleState state, bool runActive)
    {
        ArgumentNullException.ThrowIfNull(state);
        var now = time.GetUtcNow();
        if (state.NextDue is not { } due || now < due)
        {
            return new TickOutcome(TickAction.None, null, state);
        }

        var latest = due;
        var count = 1;
        foreach (var occurrence in schedule.Between(due, now, MaxFoldedOccurrences - 1))
        {
            latest = occurrence;
            count++;
        }

        var fire = new ScheduledFire(latest, count);
        var next = schedule.NextAfter(now);
        if (!runActive)
        {
            // A fire still queued from before folds into this one: both ask for one run of the same sweep.
            var started = state.Queued is { } waiting ? fire with { Occurrences = fire.Occurrences + waiting.Occurrences } : fire;
            return new TickOutcome(TickAction.Start, started, new ScheduleState(next, null));
        }

        if (schedule.Overlap == OverlapPolicy.Skip)
        {
            return new TickOutcome(TickAction.Skip, fire, new ScheduleState(next, state.Queued));
        }

        var queued = state.Queued is { } earlier ? fire with { Occurrences = fire.Occurrences + earlier.Occurrences } : fire;
        return new TickOutcome(TickAction.Queue, queued, new ScheduleState(next, queued));
    }

    /// <summary>After a run ends: the queued fire, if any, starts now.</summary>
    public TickOutcome RunEnded(ScheduleState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.Queued is { } queued
            ? new TickOutcome(TickAction.Start, queued, state with { Queued = null })
            : new TickOutcome(TickAction.None, null, state);
    }
}
