using FusionCluster.Dashboard.Sweeps;

namespace FusionCluster.Dashboard.Tests.Sweeps;

public sealed class SweepLabelTests
{
    [Fact]
    public void SplitsPathsAndValues_KeepingFlowValuesWhole()
    {
        var values = SweepLabel.Parse("models[*].parameters.weight=[0.1, 0.9] merge_method=ties parameters.density=0.5");

        Assert.Equal(
            [("models[*].parameters.weight", "[0.1, 0.9]"), ("merge_method", "ties"), ("parameters.density", "0.5")],
            values);
    }

    [Fact]
    public void TemplateLabel_HasNoValues() => Assert.Empty(SweepLabel.Parse("template"));
}
