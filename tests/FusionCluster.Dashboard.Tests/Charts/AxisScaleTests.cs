using FusionCluster.Dashboard.Charts;

namespace FusionCluster.Dashboard.Tests.Charts;

public sealed class AxisScaleTests
{
    [Fact]
    public void Accuracies_between_half_and_0_83_get_an_axis_from_0_5_to_0_9()
    {
        // Range 0.33 over four intervals is 0.0825 a step; the next nice step is 0.1.
        var scale = AxisScale.Fit([0.5, 0.61, 0.83]);

        Assert.Equal((0.5, 0.9, 0.1), (Math.Round(scale.Min, 9), Math.Round(scale.Max, 9), Math.Round(scale.Step, 9)));
        Assert.Equal([0.5, 0.6, 0.7, 0.8, 0.9], scale.Ticks);
    }

    [Fact]
    public void Parameter_values_are_placed_by_value_not_by_rank()
    {
        var scale = AxisScale.Fit([0.1, 0.2, 0.3, 0.5]);

        Assert.Equal(0.25, scale.Fraction(0.2), 9);
        Assert.Equal(0.5, scale.Fraction(0.3), 9);
        Assert.Equal(1.0, scale.Fraction(0.5), 9);
    }

    [Theory]
    [InlineData(3.0)]
    [InlineData(0.0)]
    [InlineData(-250.0)]
    public void A_single_value_sits_inside_the_axis(double value)
    {
        var scale = AxisScale.Fit([value]);

        Assert.True(scale.Min < value && value < scale.Max, $"{value} outside {scale.Min}..{scale.Max}");
    }

    [Fact]
    public void Large_values_get_whole_steps_and_every_value_is_contained()
    {
        double[] values = [120, 1234, 987];
        var scale = AxisScale.Fit(values);

        Assert.Equal((0, 1500, 500), (scale.Min, scale.Max, scale.Step));
        Assert.All(values, v => Assert.InRange(scale.Fraction(v), 0, 1));
    }

    [Fact]
    public void No_data_gives_a_unit_axis()
    {
        Assert.Equal((0, 1), (AxisScale.Fit([double.NaN]).Min, AxisScale.Fit([]).Max));
    }

    [Theory]
    [InlineData(0.830012, 0.830038, new[] { "0.83001", "0.83002", "0.83003", "0.83004" })]
    [InlineData(0.83012, 0.83038, new[] { "0.8301", "0.8302", "0.8303", "0.8304" })]
    [InlineData(12.0000012, 12.0000038, new[] { "12.000001", "12.000002", "12.000003", "12.000004" })]
    public void Ticks_on_a_very_narrow_range_have_labels_that_differ(double low, double high, string[] expected)
    {
        // A range of 2.6 units of the last decimal over four intervals is 0.65 of it a step; the next nice step is
        // one unit of that decimal, from the unit below the lowest value to the unit above the highest.
        var scale = AxisScale.Fit([low, high]);
        var labels = scale.Ticks.Select(scale.Label).ToList();

        Assert.Equal(expected, labels);
    }

    [Fact]
    public void A_step_of_a_quarter_shows_both_decimals_and_whole_ticks_stay_short()
    {
        var scale = new AxisScale(0, 0.075, 0.025);

        Assert.Equal(["0", "0.025", "0.05", "0.075"], scale.Ticks.Select(scale.Label));
        Assert.Equal("1500", new AxisScale(0, 1500, 500).Label(1500));
    }
}
