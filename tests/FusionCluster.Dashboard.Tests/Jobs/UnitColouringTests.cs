using FusionCluster.Dashboard.Charts;
using FusionCluster.Dashboard.Jobs;
using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Dashboard.Tests.Jobs;

public sealed class UnitColouringTests
{
    [Fact]
    public void Durations_fall_into_five_bands_of_equal_counts()
    {
        // Ten finished units of 1..10 s: the bands end at the 2nd, 4th, ... value, two units each.
        var cells = Enumerable.Range(1, 10).Select(s => Done(s - 1, seconds: s)).Append(new UnitCell(10, "head")).ToList();

        var colouring = UnitColouring.For(UnitColourMode.Duration, cells);

        Assert.Equal(["≤ 2.00 s", "2.00 s – 4.00 s", "4.00 s – 6.00 s", "6.00 s – 8.00 s", "8.00 s – 10.0 s", "not finished"], colouring.Legend.Select(e => e.Label));
        Assert.Equal([2, 2, 2, 2, 2, 1], colouring.Legend.Select(e => e.Count));
        Assert.Contains(UnitColouring.DurationColours[0], colouring.StyleFor(cells[1]), StringComparison.Ordinal);
        Assert.Contains(UnitColouring.DurationColours[1], colouring.StyleFor(cells[2]), StringComparison.Ordinal);
        Assert.Contains(UnitColouring.DurationColours[4], colouring.StyleFor(cells[9]), StringComparison.Ordinal);
        Assert.Equal(UnitColouring.NoValueClass, colouring.ClassFor(cells[10]));
    }

    [Theory]
    [InlineData(UnitColourMode.State)]
    [InlineData(UnitColourMode.Duration)]
    [InlineData(UnitColourMode.Silo)]
    public void Every_legend_count_is_the_number_of_cells_shown_in_its_colour(UnitColourMode mode)
    {
        var random = new Random(7);
        var cells = Enumerable.Range(0, 300).Select(i =>
        {
            var cell = new UnitCell(i, $"layer {i}");
            var state = (UnitState)random.Next(4);
            cell.Update(state, state == UnitState.Pending ? null : $"silo-{random.Next(3)}", seconds: state == UnitState.Done ? random.NextDouble() * 30 : null);
            return cell;
        }).ToList();

        var colouring = UnitColouring.For(mode, cells);

        // The same cell-to-swatch rule, done again here from what a reader sees: the cell's colour or class.
        foreach (var entry in colouring.Legend)
        {
            var shown = cells.Count(c => entry.Colour is { } colour
                ? colouring.StyleFor(c).Contains($"background:{colour};", StringComparison.Ordinal)
                : (colouring.ClassFor(c) == entry.CssClass || (mode == UnitColourMode.State && c.CssClass.Split(' ')[0] == entry.CssClass)));
            Assert.Equal(shown, entry.Count);
        }

        Assert.Equal(cells.Count, colouring.Legend.Sum(e => e.Count));
    }

    [Fact]
    public void Silos_get_palette_colours_in_name_order_and_units_never_run_are_grey()
    {
        var cells = new List<UnitCell> { Done(0, 1, "silo-b"), Done(1, 1, "silo-a"), Done(2, 1, "silo-b"), new(3, "head") };

        var colouring = UnitColouring.For(UnitColourMode.Silo, cells);

        Assert.Equal([("silo-a", 1), ("silo-b", 2), ("not run yet", 1)], colouring.Legend.Select(e => (e.Label, e.Count)));
        Assert.Contains(ChartPalette.For(0), colouring.StyleFor(cells[1]), StringComparison.Ordinal);
        Assert.Contains(ChartPalette.For(1), colouring.StyleFor(cells[0]), StringComparison.Ordinal);
        Assert.Equal("", colouring.StyleFor(cells[3]));
    }

    [Fact]
    public void State_mode_leaves_colours_to_the_state_classes()
    {
        var cells = new List<UnitCell> { Done(0, 1), new(1, "head") };

        var colouring = UnitColouring.For(UnitColourMode.State, cells);

        Assert.All(cells, c => Assert.Equal("", colouring.StyleFor(c)));
        Assert.All(cells, c => Assert.Equal("", colouring.ClassFor(c)));
        Assert.Equal([("pending", 1), ("running", 0), ("done", 1), ("failed", 0)], colouring.Legend.Select(e => (e.Label, e.Count)));
    }

    private static UnitCell Done(int index, double seconds, string silo = "silo-1")
    {
        var cell = new UnitCell(index, $"layer {index}");
        cell.Update(UnitState.Done, silo, seconds: seconds);
        return cell;
    }
}
