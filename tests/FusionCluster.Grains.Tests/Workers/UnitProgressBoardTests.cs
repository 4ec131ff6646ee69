using FusionCluster.Grains.Workers;
using Microsoft.Extensions.Time.Testing;

namespace FusionCluster.Grains.Tests.Workers;

/// <summary>The stall rule: a running unit silent for longer than the limit is stalled; progress, and leaving, end that.</summary>
public sealed class UnitProgressBoardTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(10);

    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void A_running_unit_silent_for_longer_than_the_limit_is_stalled_and_named()
    {
        var board = new UnitProgressBoard(time);
        using var unit = board.Start("job-a", 3, 2);

        time.Advance(Limit);
        Assert.Empty(board.Stalled(Limit));
        time.Advance(TimeSpan.FromSeconds(1));

        var stalled = Assert.Single(board.Stalled(Limit));
        Assert.Equal(new StalledUnit("job-a", 3, 2, TimeSpan.FromSeconds(601)), stalled);
    }

    [Fact]
    public void Each_beat_starts_the_silence_again()
    {
        var board = new UnitProgressBoard(time);
        using var unit = board.Start("job-a", 0, 1);

        for (var i = 0; i < 5; i++)
        {
            time.Advance(TimeSpan.FromMinutes(9));
            unit.Beat();
        }

        // 45 minutes running, never 10 silent.
        Assert.Empty(board.Stalled(Limit));
        time.Advance(TimeSpan.FromMinutes(11));
        Assert.Equal(TimeSpan.FromMinutes(11), Assert.Single(board.Stalled(Limit)).Silent);
    }

    [Fact]
    public void A_unit_that_finished_leaves_the_board_and_is_never_stalled()
    {
        var board = new UnitProgressBoard(time);
        var unit = board.Start("job-a", 0, 1);
        Assert.Equal(1, board.Count);

        unit.Dispose();
        time.Advance(TimeSpan.FromHours(1));

        Assert.Equal(0, board.Count);
        Assert.Empty(board.Stalled(Limit));
    }

    [Fact]
    public void Stalled_units_come_longest_silent_first_and_units_that_progress_are_left_out()
    {
        var board = new UnitProgressBoard(time);
        using var oldest = board.Start("job-a", 1, 1);
        time.Advance(TimeSpan.FromMinutes(5));
        using var younger = board.Start("job-b", 7, 3);
        using var busy = board.Start("job-b", 8, 1);
        time.Advance(TimeSpan.FromMinutes(20));
        busy.Beat();

        var stalled = board.Stalled(Limit);

        Assert.Equal([("job-a", 1, 25.0), ("job-b", 7, 20.0)], stalled.Select(s => (s.Job, s.Unit, s.Silent.TotalMinutes)));
    }

    [Fact]
    public void The_stall_reason_names_the_longest_silent_unit_and_counts_the_others()
    {
        var board = new UnitProgressBoard(time);
        using var first = board.Start("job-a", 4, 2);
        time.Advance(TimeSpan.FromSeconds(30));
        using var second = board.Start("job-b", 0, 1);
        Assert.Null(board.StallReason(Limit));

        // The first has been silent 631 s, the second 601 s: both past the 600 s limit.
        time.Advance(TimeSpan.FromSeconds(601));

        Assert.Equal("job job-a unit 4 (attempt 2) made no progress for 631 s (and 1 more) (limit 600 s): the worker loop is stuck", board.StallReason(Limit));
        second.Dispose();
        Assert.Equal("job job-a unit 4 (attempt 2) made no progress for 631 s (limit 600 s): the worker loop is stuck", board.StallReason(Limit));
    }

    [Fact]
    public void A_zero_limit_turns_the_rule_off()
    {
        var board = new UnitProgressBoard(time);
        using var unit = board.Start("job-a", 0, 1);
        time.Advance(TimeSpan.FromDays(1));

        Assert.Null(board.StallReason(TimeSpan.Zero));
        Assert.NotNull(board.StallReason(Limit));
    }

    [Fact]
    public void Beats_from_many_threads_at_once_keep_one_unit_alive()
    {
        var board = new UnitProgressBoard(time);
        using var unit = board.Start("job-a", 0, 1);
        time.Advance(TimeSpan.FromMinutes(30));

        Parallel.For(0, 1000, _ => unit.Beat());

        Assert.Empty(board.Stalled(Limit));
    }
}
