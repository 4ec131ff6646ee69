using System.Globalization;
using FusionCluster.Dashboard.Charts;
using FusionCluster.Dashboard.Components.Shared;
using FusionCluster.Dashboard.Tests.Fakes;

namespace FusionCluster.Dashboard.Tests.Components;

public sealed class ScatterChartTests : DashboardTestContext
{
    [Fact]
    public void Points_are_spaced_by_value_and_every_point_is_inside_the_fitted_y_range()
    {
        var chart = Render<ScatterChart>(p => p
            .Add(x => x.Series, [new ChartSeriesData("ties", [Point(0.1, 0.52), Point(0.2, 0.61), Point(0.3, 0.75), Point(0.5, 0.83)])])
            .Add(x => x.XTitle, "weight")
            .Add(x => x.YTitle, "accuracy"));

        var xs = chart.FindAll("circle.chart-point").Select(c => double.Parse(c.GetAttribute("cx")!, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(xs[1] - xs[0], xs[2] - xs[1], 0);
        Assert.Equal(2 * (xs[2] - xs[1]), xs[3] - xs[2], 0);
        Assert.Equal(["0.5", "0.6", "0.7", "0.8", "0.9"], chart.FindAll(".y-tick").Select(t => t.TextContent));
        var scale = chart.Instance.YScale;
        Assert.True(scale.Min <= 0.52 && scale.Max >= 0.83);
    }

    [Fact]
    public void Long_y_tick_labels_move_the_plot_right_so_they_start_clear_of_the_y_title()
    {
        // Ticks 0.99978 to 0.99986: seven characters of about 5.8 units end 6 left of the plot, which must leave them
        // starting right of x = 22, past the rotated title centred at x = 12.
        var chart = Render<ScatterChart>(p => p
            .Add(x => x.Series, [new ChartSeriesData("linear", [Point(0.3, 0.99979), Point(0.7, 0.99985)])])
            .Add(x => x.YTitle, "cosine/ft-2"));

        var tick = chart.FindAll(".y-tick").First();
        var labelEnd = double.Parse(tick.GetAttribute("x")!, CultureInfo.InvariantCulture);
        Assert.Equal(7, tick.TextContent.Length);
        Assert.True(labelEnd - (7 * 5.8) >= 22, $"the tick label ends at {labelEnd}");
        // Short labels keep the usual margin: the first point of a 0-1 chart sits at the plot's left edge, 56.
        var plain = Render<ScatterChart>(p => p.Add(x => x.Series, [new ChartSeriesData("linear", [Point(0, 0.5), Point(1, 0.8)])]));
        Assert.Equal(56, double.Parse(plain.FindAll("circle.chart-point").First().GetAttribute("cx")!, CultureInfo.InvariantCulture), 0);
    }

    [Fact]
    public void Each_method_is_its_own_series_with_a_legend_entry_and_colour()
    {
        var chart = Render<ScatterChart>(p => p
            .Add(x => x.Series,
            [
                new ChartSeriesData("task_arithmetic", [Point(0.1, 0.7), Point(0.2, 0.8)]),
                new ChartSeriesData("ties", [Point(0.1, 0.6)]),
            ])
            .Add(x => x.Connect, true));

        Assert.Equal(["task_arithmetic (2)", "ties (1)"], chart.FindAll(".chart-legend-item").Select(l => l.TextContent));
        var fills = chart.FindAll("circle.chart-point").GroupBy(c => c.GetAttribute("data-series")).ToDictionary(g => g.Key!, g => g.Select(c => c.GetAttribute("fill")).Distinct().Single());
        Assert.NotEqual(fills["ties"], fills["task_arithmetic"]);

        // Joined per series: one line for the series of two points, none for the single point.
        Assert.Single(chart.FindAll("polyline.chart-line"));
    }

    [Fact]
    public void A_random_space_is_a_scatter_without_lines()
    {
        var chart = Render<ScatterChart>(p => p.Add(x => x.Series, [new ChartSeriesData("ties", [Point(0.13, 0.7), Point(0.58, 0.8), Point(0.91, 0.75)])]));

        Assert.Empty(chart.FindAll("polyline"));
        Assert.Equal(3, chart.FindAll("circle.chart-point").Count);
    }

    [Fact]
    public void Categories_label_the_x_axis()
    {
        var chart = Render<ScatterChart>(p => p
            .Add(x => x.Series, [new ChartSeriesData("ties", [Point(0, 0.6)]), new ChartSeriesData("task_arithmetic", [Point(1, 0.83)])])
            .Add(x => x.Categories, ["ties", "task_arithmetic"]));

        Assert.Equal(["ties", "task_arithmetic"], chart.FindAll(".x-tick").Select(t => t.TextContent));
    }

    private static ChartPoint Point(double x, double y) => new(x, y, $"weight={x}");
}
