using FusionCluster.Dashboard.Components.Shared;
using FusionCluster.Dashboard.Jobs;
using FusionCluster.Dashboard.Tests.Fakes;
using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Dashboard.Tests.Components;

public sealed class UnitGridTests : DashboardTestContext
{
    [Fact]
    public void Small_job_labels_cells_by_layer_and_counts_states()
    {
        var board = new UnitBoard(s => s ?? "");
        board.Load(Samples.Units(6, done: 2, running: 1));

        var grid = Render<UnitGrid>(p => p.Add(x => x.Board, board));

        Assert.Equal(["E", "0", "1", "2", "3", "H"], grid.FindAll("#unit-grid .unit").Select(c => c.TextContent));
        Assert.Contains("done 2", grid.Find(".unit-legend").TextContent, StringComparison.Ordinal);
        Assert.Contains("running 1", grid.Find(".unit-legend").TextContent, StringComparison.Ordinal);
        Assert.Contains("pending 3", grid.Find(".unit-legend").TextContent, StringComparison.Ordinal);
        Assert.Equal("6", grid.Find("#unit-grid").GetAttribute("data-units"));
    }

    [Fact]
    public void The_legend_counts_every_state_and_each_kind_of_retry_as_the_cells_show_them()
    {
        var units = Samples.Units(5, done: 2);
        units[1] = units[1] with { History = [Samples.Attempt(1, "silo-2", UnitAttemptOutcome.Lost, reason: "silo silo-2 left the cluster"), Samples.Attempt(2, "silo-1", UnitAttemptOutcome.Succeeded)] };
        units[3] = units[3] with { State = UnitState.Failed, LastError = "bad tensor" };
        var board = new UnitBoard(s => s ?? "");
        board.Load(units);

        var grid = Render<UnitGrid>(p => p.Add(x => x.Board, board));

        var cells = grid.FindAll("#unit-grid .unit");
        var legend = grid.Find("#unit-legend").TextContent;
        Assert.Contains($"failed {cells.Count(c => c.ClassList.Contains("unit-failed"))}", legend, StringComparison.Ordinal);
        Assert.Contains("failed 1", legend, StringComparison.Ordinal);
        Assert.Contains("done 2", legend, StringComparison.Ordinal);
        Assert.Contains("pending 2", legend, StringComparison.Ordinal);
        Assert.Equal("retried: silo lost 1", grid.Find("#legend-retried-lost").TextContent.Trim());
        Assert.Equal(1, cells.Count(c => c.ClassList.Contains("unit-lost")));
        Assert.True(cells[1].ClassList.Contains("unit-lost"));
    }

    [Theory]
    [InlineData("statistics", "S", "#unit-phases-statistics", "S: statistics phase")]
    [InlineData("best", "B", "#unit-phases-best", "B: best phase")]
    public void Units_of_a_phase_before_or_after_the_merge_are_marked_with_its_letter_and_legend_and_no_other_phases(string phase, string letter, string legendId, string legend)
    {
        var units = Samples.Units(5);
        units[3] = units[3] with { Name = $"{phase} m1", Phase = phase };
        units[4] = units[4] with { Name = $"{phase} m2", Phase = phase };
        var board = new UnitBoard(s => s ?? "");
        board.Load(units);

        var grid = Render<UnitGrid>(p => p.Add(x => x.Board, board));

        var cells = grid.FindAll("#unit-grid .unit");
        Assert.Equal([letter, letter], cells.Skip(3).Select(c => c.TextContent));
        Assert.All(cells.Skip(3), c => Assert.True(c.ClassList.Contains($"unit-phase-{phase}")));
        Assert.StartsWith(legend, grid.Find(legendId).TextContent, StringComparison.Ordinal);
        Assert.Equal([legendId], new[] { "#unit-phases", "#unit-phases-statistics", "#unit-phases-best" }.Where(id => grid.FindAll(id).Count > 0));
    }

    [Fact]
    public void RendersOnlyWhenAUnitChanged()
    {
        var board = new UnitBoard(s => s ?? "");
        board.Load(Samples.Units(3));
        var grid = Render<UnitGrid>(p => p.Add(x => x.Board, board));
        var renders = grid.RenderCount;

        grid.Render(p => p.Add(x => x.Board, board));
        Assert.Equal(renders, grid.RenderCount);

        board.Apply(Samples.Event("j", JobEventKind.UnitStarted, 1));
        grid.Render(p => p.Add(x => x.Board, board));
        Assert.Equal(renders + 1, grid.RenderCount);
        Assert.Contains("unit-running", grid.FindAll("#unit-grid .unit")[1].ClassName, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_board_renders_no_cells()
    {
        var grid = Render<UnitGrid>(p => p.Add(x => x.Board, new UnitBoard(s => s ?? "")));

        Assert.Empty(grid.FindAll("#unit-grid .unit"));
    }

    [Fact]
    public void A_filter_dims_the_units_it_does_not_keep_and_counts_the_kept_ones()
    {
        var units = Samples.Units(6, done: 4);
        units[2] = units[2] with { State = UnitState.Failed, LastError = "bad tensor" };
        units[4] = units[4] with { Attempts = 2, History = [Samples.Attempt(1, "silo-2", UnitAttemptOutcome.Lost), Samples.Attempt(2, "silo-1", UnitAttemptOutcome.Running)], State = UnitState.Running };
        var board = new UnitBoard(s => s ?? "");
        board.Load(units);
        var grid = Render<UnitGrid>(p => p.Add(x => x.Board, board));

        grid.Find("#unit-filter-failed").Click();

        var cells = grid.FindAll("#unit-grid .unit");
        Assert.Equal([true, true, false, true, true, true], cells.Select(c => c.ClassList.Contains("unit-dim")));
        Assert.Equal("true", grid.Find("#unit-filter-failed").GetAttribute("aria-pressed"));
        Assert.Contains("1 of 6 shown", grid.Find("#unit-filter-note").TextContent, StringComparison.Ordinal);

        grid.Find("#unit-filter-retried").Click();

        Assert.Equal([4], grid.FindAll("#unit-grid .unit").Select((c, i) => (c, i)).Where(x => !x.c.ClassList.Contains("unit-dim")).Select(x => x.i));
        Assert.Contains("retried 1", grid.Find("#unit-filter-retried").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Colouring_by_silo_paints_the_cells_and_the_legend_alike()
    {
        var units = Samples.Units(4, done: 3);
        units[1] = units[1] with { Silo = "silo-2" };
        var board = new UnitBoard(s => s ?? "");
        board.Load(units);
        var grid = Render<UnitGrid>(p => p.Add(x => x.Board, board));

        grid.Find("#unit-colour-silo").Click();

        Assert.Equal("silo", grid.Find("#unit-legend").GetAttribute("data-mode"));
        var legend = grid.FindAll("#unit-legend .legend-colour");
        Assert.Equal(["silo-1 2", "silo-2 1", "not run yet 1"], legend.Select(l => l.TextContent.Trim()));
        var cells = grid.FindAll("#unit-grid .unit");
        var silo1 = legend[0].QuerySelector(".unit")!.GetAttribute("style")!;
        var silo2 = legend[1].QuerySelector(".unit")!.GetAttribute("style")!;
        Assert.StartsWith(silo1, cells[0].GetAttribute("style"), StringComparison.Ordinal);
        Assert.StartsWith(silo2, cells[1].GetAttribute("style"), StringComparison.Ordinal);
        Assert.NotEqual(silo1, silo2);
        Assert.Contains(UnitColouring.NoValueClass, cells[3].ClassName, StringComparison.Ordinal);
    }

    [Fact]
    public void Clicking_a_cell_selects_its_unit()
    {
        var board = new UnitBoard(s => s ?? "");
        board.Load(Samples.Units(5, done: 2));
        UnitCell? selected = null;
        var grid = Render<UnitGrid>(p => p.Add(x => x.Board, board).Add(x => x.OnSelect, (UnitCell c) => selected = c));

        grid.FindAll("#unit-grid .unit")[3].Click();

        Assert.Equal(3, selected?.Index);
    }

    [Fact]
    public void Ten_thousand_units_render_only_the_rows_in_view()
    {
        var board = new UnitBoard(s => s ?? "");
        board.Load(Samples.Units(10_000, done: 4_000, running: 8));

        var grid = Render<UnitGrid>(p => p.Add(x => x.Board, board));

        Assert.Equal("true", grid.Find("#unit-grid").GetAttribute("data-virtualized"));
        Assert.Equal("10000", grid.Find("#unit-grid").GetAttribute("data-units"));
        // bunit has no viewport, so Virtualize renders its default window (about a hundred rows) instead of every row.
        Assert.InRange(grid.FindAll("#unit-grid .unit").Count, UnitGrid.RowLength, 6_000);
        Assert.Contains("done 4000", grid.Find("#unit-legend").TextContent, StringComparison.Ordinal);
    }
}
