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

    private static UnitBoard Loaded(List<UnitStatus> units)
    {
        var board = new UnitBoard(s => s ?? "");
        board.Load(units);
        return board;
    }
}
