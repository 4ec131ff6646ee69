using FusionCluster.Dashboard.Sweeps;

namespace FusionCluster.Dashboard.Tests.Sweeps;

public sealed class SweepLabelTests
{
    [Fact]
    public void Splits_paths_and_values_keeping_flow_values_whole()
    {
        var values = SweepLabel.Parse("models[*].parameters.weight=[0.1, 0.9] merge_method=ties parameters.density=0.5");

        Assert.Equal(
            [("models[*].parameters.weight", "[0.1, 0.9]"), ("merge_method", "ties"), ("parameters.density", "0.5")],
            values);
    }

    [Fact]
    public void Template_label_has_no_values() => Assert.Empty(SweepLabel.Parse("template"));
}
