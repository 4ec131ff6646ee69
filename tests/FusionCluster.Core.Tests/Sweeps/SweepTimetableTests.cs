using FusionCluster.Core.Sweeps;
using Microsoft.Extensions.Time.Testing;

namespace FusionCluster.Core.Tests.Sweeps;

/// <summary>When scheduled runs fire, with time moved by hand: due times, missed fires folded into one, overlap policies.</summary>
public sealed class SweepTimetableTests
{
    private static readonly DateTimeOffset Monday1030 = new(2026, 1, 5, 10, 30, 0, TimeSpan.Zero);

    [Fact]
    public void Nothing_fires_before_the_first_occurrence_and_one_run_starts_once_it_passed()
    {
        var clock = new FakeTimeProvider(Monday1030);
        var timetable = new SweepTimetable(new SweepSchedule("0 * * * *", "UTC", OverlapPolicy.Skip), clock);
        var state = timetable.Start();
        Assert.Equal(Monday1030.AddMinutes(30), state.NextDue);

        clock.Advance(TimeSpan.FromMinutes(29));
        Assert.Equal(TickAction.None, timetable.Tick(state, runActive: false).Action);

        clock.Advance(TimeSpan.FromMinutes(1.5));
        var fired = timetable.Tick(state, runActive: false);
        Assert.Equal(TickAction.Start, fired.Action);
        Assert.Equal(new ScheduledFire(Monday1030.AddMinutes(30), 1), fired.Fire);
        Assert.Equal(Monday1030.AddMinutes(90), fired.State.NextDue);

        // The next tick a minute later finds nothing due: one occurrence, one run.
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(TickAction.None, timetable.Tick(fired.State, runActive: false).Action);
    }

    [Fact]
    public void Fires_missed_while_the_cluster_was_down_run_once_on_recovery()
    {
        var clock = new FakeTimeProvider(Monday1030);
        var timetable = new SweepTimetable(new SweepSchedule("0 * * * *", "UTC", OverlapPolicy.Skip), clock);
        var state = timetable.Start();

        // Down from 10:30 to 14:10: the 11:00, 12:00, 13:00 and 14:00 occurrences passed without a tick.
        clock.SetUtcNow(Monday1030.AddHours(3).AddMinutes(40));
        var recovered = timetable.Tick(state, runActive: false);

        Assert.Equal(TickAction.Start, recovered.Action);
        Assert.Equal(new ScheduledFire(Monday1030.AddHours(3).AddMinutes(30), 4), recovered.Fire);
        Assert.Equal(Monday1030.AddHours(4).AddMinutes(30), recovered.State.NextDue);
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(TickAction.None, timetable.Tick(recovered.State, runActive: false).Action);
    }

    [Fact]
    public void A_fire_while_a_run_is_going_is_skipped_under_skip()
    {
        var clock = new FakeTimeProvider(Monday1030);
        var timetable = new SweepTimetable(new SweepSchedule("*/15 * * * *", "UTC", OverlapPolicy.Skip), clock);
        var state = timetable.Start();
        clock.Advance(TimeSpan.FromMinutes(16));

        var outcome = timetable.Tick(state, runActive: true);

        Assert.Equal(TickAction.Skip, outcome.Action);
        Assert.Null(outcome.State.Queued);
        Assert.Equal(Monday1030.AddMinutes(30), outcome.State.NextDue);
        Assert.Equal(TickAction.None, timetable.RunEnded(outcome.State).Action);
    }

    [Fact]
    public void Fires_while_a_run_is_going_queue_into_one_run_under_queue()
    {
        var clock = new FakeTimeProvider(Monday1030);
        var timetable = new SweepTimetable(new SweepSchedule("*/15 * * * *", "UTC", OverlapPolicy.Queue), clock);
        var state = timetable.Start();

        clock.Advance(TimeSpan.FromMinutes(16));
        var first = timetable.Tick(state, runActive: true);
        clock.Advance(TimeSpan.FromMinutes(15));
        var second = timetable.Tick(first.State, runActive: true);

        Assert.Equal(TickAction.Queue, first.Action);
        Assert.Equal(TickAction.Queue, second.Action);
        Assert.Equal(new ScheduledFire(Monday1030.AddMinutes(30), 2), second.State.Queued);
        var ended = timetable.RunEnded(second.State);
        Assert.Equal(TickAction.Start, ended.Action);
        Assert.Equal(new ScheduledFire(Monday1030.AddMinutes(30), 2), ended.Fire);
        Assert.Null(ended.State.Queued);
    }

    [Fact]
    public void Occurrences_follow_the_time_zone_across_a_daylight_saving_change()
    {
        // 03:00 in Berlin is 02:00 UTC in winter and 01:00 UTC in summer (clocks went forward on 29 March 2026).
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 27, 12, 0, 0, TimeSpan.Zero));
        var timetable = new SweepTimetable(new SweepSchedule("0 3 * * *", "Europe/Berlin", OverlapPolicy.Skip), clock);

        var state = timetable.Start();
        Assert.Equal(new DateTimeOffset(2026, 3, 28, 2, 0, 0, TimeSpan.Zero), state.NextDue!.Value.ToUniversalTime());
        clock.SetUtcNow(new DateTimeOffset(2026, 3, 28, 2, 0, 30, TimeSpan.Zero));
        var fired = timetable.Tick(state, runActive: false);
        Assert.Equal(new DateTimeOffset(2026, 3, 29, 1, 0, 0, TimeSpan.Zero), fired.State.NextDue!.Value.ToUniversalTime());
    }

    [Fact]
    public void Bad_cron_and_unknown_zones_are_errors_that_quote_them()
    {
        Assert.Contains("'61 * * * *'", Assert.Throws<FormatException>(() => new SweepSchedule("61 * * * *", "UTC", OverlapPolicy.Skip)).Message);
        Assert.Contains("'Mars/Olympus'", Assert.Throws<FormatException>(() => new SweepSchedule("0 3 * * *", "Mars/Olympus", OverlapPolicy.Skip)).Message);
    }
}
