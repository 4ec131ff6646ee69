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
}
