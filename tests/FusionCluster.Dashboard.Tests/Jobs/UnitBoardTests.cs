using FusionCluster.Dashboard.Jobs;
using FusionCluster.Dashboard.Tests.Fakes;
using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Dashboard.Tests.Jobs;

public sealed class UnitBoardTests
{
    [Fact]
    public void Events_recolour_cells_and_count()
    {
        var board = Loaded(Samples.Units(4));

        Assert.True(board.Apply(Samples.Event("j", JobEventKind.UnitStarted, 1)));
        Assert.True(board.Apply(Samples.Event("j", JobEventKind.UnitFinished, 2)));

        Assert.Equal(UnitState.Running, board.Cells[1].State);
        Assert.Equal("unit-running", board.Cells[1].CssClass);
        Assert.Equal(UnitState.Done, board.Cells[2].State);
        Assert.Equal(1, board.Count(UnitState.Running));
        Assert.Equal(1, board.Count(UnitState.Done));
        Assert.Equal(2, board.Count(UnitState.Pending));
        Assert.Contains("#2 layer 1: Done on silo-1", board.Cells[2].Title, StringComparison.Ordinal);
    }

    [Fact]
    public void Align_phase_units_are_marked_a_and_say_their_phase()
    {
        var units = Samples.Units(3).Select(u => u.Index == 2 ? u with { Name = "align mlp-b", Phase = "align" } : u).ToList();
        var board = Loaded(units);

        Assert.Equal("A", board.Cells[2].ShortName);
        Assert.Contains("unit-phase-align", board.Cells[2].CssClass, StringComparison.Ordinal);
        Assert.StartsWith("#2 align mlp-b (align phase): Pending", board.Cells[2].Title, StringComparison.Ordinal);
        Assert.DoesNotContain("phase", board.Cells[1].CssClass + board.Cells[1].Title, StringComparison.Ordinal);
    }

    [Fact]
    public void Events_during_a_snapshot_are_replayed_onto_it()
    {
        var board = Loaded(Samples.Units(4));
        board.BeginSnapshot();
        board.Apply(Samples.Event("j", JobEventKind.UnitFinished, 3));

        // The snapshot was taken before unit 3 finished.
        board.Load(Samples.Units(4));

        Assert.Equal(UnitState.Done, board.Cells[3].State);
    }

    [Fact]
    public void Events_before_the_first_snapshot_are_not_lost()
    {
        var board = new UnitBoard(s => s ?? "");
        board.Apply(Samples.Event("j", JobEventKind.UnitStarted, 0));

        board.Load(Samples.Units(2));

        Assert.Equal(UnitState.Running, board.Cells[0].State);
    }

    [Fact]
    public void Failures_and_requeues_are_listed_as_errors_redacted()
    {
        var board = new UnitBoard(s => (s ?? "").Replace("key123", "***", StringComparison.Ordinal));
        board.Load(Samples.Units(3));

        board.Apply(Samples.Event("j", JobEventKind.UnitFailed, 1, message: "disk full key123"));
        board.Apply(Samples.Event("j", JobEventKind.UnitRequeued, 1, message: "disk full key123"));

        Assert.Equal(UnitState.Pending, board.Cells[1].State);
        Assert.Contains("unit-had-error", board.Cells[1].CssClass, StringComparison.Ordinal);
        Assert.Equal(["requeued", "failed"], board.Errors.Select(e => e.Kind));
        Assert.All(board.Errors, e => Assert.Equal("disk full ***", e.Message));
        Assert.Equal("layer 0", board.Errors.First().UnitName);
    }

    [Fact]
    public void Snapshot_errors_are_listed_once()
    {
        var units = Samples.Units(2);
        units[1] = units[1] with { LastError = "boom", State = UnitState.Failed };
        var board = new UnitBoard(s => s ?? "");

        board.Load(units);
        board.Load(units);

        Assert.Single(board.Errors);
    }

    [Fact]
    public void Version_changes_only_when_something_shown_changes()
    {
        var board = Loaded(Samples.Units(2));
        var version = board.Version;

        Assert.False(board.Apply(Samples.Event("j", JobEventKind.StateChanged, -1)));
        Assert.False(board.Apply(Samples.Event("j", JobEventKind.UnitStarted, 99)));
        Assert.Equal(version, board.Version);
        Assert.True(board.Apply(Samples.Event("j", JobEventKind.UnitStarted, 0)));
        Assert.NotEqual(version, board.Version);
    }

    [Fact]
    public void A_unit_lost_with_its_silo_is_marked_and_listed_with_time_silo_and_reason_from_the_snapshot()
    {
        var units = Samples.Units(3, done: 3);
        var lostAt = Samples.Submitted.AddSeconds(7);
        units[1] = units[1] with
        {
            Attempts = 2,
            History =
            [
                Samples.Attempt(1, "silo-2", UnitAttemptOutcome.Lost, lostAt, "silo silo-2 left the cluster"),
                Samples.Attempt(2, "silo-1", UnitAttemptOutcome.Succeeded),
            ],
        };

        var board = Loaded(units);

        var error = Assert.Single(board.Errors);
        Assert.Equal((lostAt, 1, "silo-2", "silo lost", "silo silo-2 left the cluster", 1), (error.At, error.Unit, error.Silo, error.Kind, error.Message, error.Attempt));
        Assert.Contains("unit-lost", board.Cells[1].CssClass, StringComparison.Ordinal);
        Assert.Contains("unit-done", board.Cells[1].CssClass, StringComparison.Ordinal);
        Assert.DoesNotContain("unit-lost", board.Cells[0].CssClass, StringComparison.Ordinal);
        Assert.Contains("lost with silo-2", board.Cells[1].Title, StringComparison.Ordinal);
        Assert.Equal(1, board.LostCount);
        Assert.Equal(0, board.RetriedAfterErrorCount);
    }

    [Fact]
    public void A_live_loss_and_the_next_snapshot_list_the_attempt_once()
    {
        var board = Loaded(Samples.Units(2, running: 1));
        var lost = Samples.Event("j", JobEventKind.UnitRequeued, 0, silo: "silo-2", message: "silo silo-2 left the cluster") with { Attempt = 1, Outcome = UnitAttemptOutcome.Lost };

        Assert.True(board.Apply(lost));
        Assert.Equal(UnitState.Pending, board.Cells[0].State);
        Assert.Contains("unit-lost", board.Cells[0].CssClass, StringComparison.Ordinal);
        Assert.DoesNotContain("unit-had-error", board.Cells[0].CssClass, StringComparison.Ordinal);
        Assert.Equal(1, board.LostCount);

        var units = Samples.Units(2);
        units[0] = units[0] with { Attempts = 1, History = [Samples.Attempt(1, "silo-2", UnitAttemptOutcome.Lost, Samples.Submitted, "silo silo-2 left the cluster")] };
        board.BeginSnapshot();
        board.Load(units);

        Assert.Equal("silo lost", Assert.Single(board.Errors).Kind);
        Assert.Equal(1, board.LostCount);
    }

    [Fact]
    public void A_failure_and_its_requeue_of_the_same_attempt_are_one_error_and_errors_come_newest_first()
    {
        var board = Loaded(Samples.Units(3));

        board.Apply(Samples.Event("j", JobEventKind.UnitFailed, 1, message: "disk full") with { Attempt = 1, Outcome = UnitAttemptOutcome.Failed });
        board.Apply(Samples.Event("j", JobEventKind.UnitRequeued, 1, message: "disk full") with { Attempt = 1, Outcome = UnitAttemptOutcome.Failed });
        board.Apply(Samples.Event("j", JobEventKind.UnitRequeued, 2, silo: "silo-3", message: "silo silo-3 left the cluster") with { At = Samples.Submitted.AddSeconds(5), Attempt = 1, Outcome = UnitAttemptOutcome.Lost });

        Assert.Equal([(2, "silo lost"), (1, "failed")], board.Errors.Select(e => (e.Unit, e.Kind)));
        Assert.Equal(1, board.RetriedAfterErrorCount);
        Assert.Equal(1, board.LostCount);
    }

    [Fact]
    public void A_failed_unit_is_red_and_counted_as_failed()
    {
        var units = Samples.Units(3, done: 1);
        units[2] = units[2] with { State = UnitState.Failed, LastError = "bad tensor", History = [Samples.Attempt(1, "silo-1", UnitAttemptOutcome.Failed, reason: "bad tensor")] };

        var board = Loaded(units);

        Assert.Equal(1, board.Count(UnitState.Failed));
        Assert.Equal("unit-failed", board.Cells[2].CssClass);
        Assert.Equal(("failed", "bad tensor"), (board.Errors[0].Kind, board.Errors[0].Message));
    }

    /// <summary>The job's events are one-way messages: a short unit's start can arrive after its end.</summary>
    [Fact]
    public void A_start_arriving_after_its_attempts_end_leaves_the_unit_done()
    {
        var board = Loaded(Samples.Units(2));

        board.Apply(Samples.Event("j", JobEventKind.UnitFinished, 1) with { Attempt = 1 });
        var changed = board.Apply(Samples.Event("j", JobEventKind.UnitStarted, 1) with { Attempt = 1 });

        Assert.False(changed);
        Assert.Equal(UnitState.Done, board.Cells[1].State);
        Assert.Equal(1, board.Count(UnitState.Done));
        Assert.Equal(UnitAttemptOutcome.Succeeded, Assert.Single(board.Cells[1].History).Outcome);
    }

    /// <summary>A job's last snapshot is taken when it finishes; a start event replayed onto it must not turn a done cell back.</summary>
    [Fact]
    public void A_start_replayed_onto_a_snapshot_that_shows_its_attempt_ended_leaves_the_unit_done()
    {
        var board = Loaded(Samples.Units(2));
        board.BeginSnapshot();
        board.Apply(Samples.Event("j", JobEventKind.UnitStarted, 1) with { Attempt = 1 });
        var units = Samples.Units(2, done: 2);
        units[1] = units[1] with { History = [Samples.Attempt(1, "silo-1", UnitAttemptOutcome.Succeeded)] };

        board.Load(units);

        Assert.Equal(UnitState.Done, board.Cells[1].State);
        Assert.Equal(2, board.Count(UnitState.Done));
    }

    [Fact]
    public void A_loss_arriving_after_the_next_attempt_started_leaves_the_unit_running_and_lists_the_loss()
    {
        var board = Loaded(Samples.Units(2));
        board.Apply(Samples.Event("j", JobEventKind.UnitStarted, 1, silo: "silo-2") with { Attempt = 1 });

        board.Apply(Samples.Event("j", JobEventKind.UnitStarted, 1, silo: "silo-1") with { Attempt = 2 });
        board.Apply(Samples.Event("j", JobEventKind.UnitRequeued, 1, silo: "silo-2", message: "silo silo-2 left the cluster") with { Attempt = 1, Outcome = UnitAttemptOutcome.Lost });

        Assert.Equal((UnitState.Running, "silo-1"), (board.Cells[1].State, board.Cells[1].Silo));
        Assert.Equal("silo silo-2 left the cluster", Assert.Single(board.Errors).Message);
        Assert.Equal(1, board.LostCount);
    }

    private static UnitBoard Loaded(List<UnitStatus> units)
    {
        var board = new UnitBoard(s => s ?? "");
        board.Load(units);
        return board;
    }
}
