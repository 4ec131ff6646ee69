using FusionCluster.Core.Specs;

namespace FusionCluster.Core.Tests.Specs;

public sealed class GradientSettingTests
{
    [Fact]
    public void Five_point_gradient_matches_hand_values()
    {
        var g = new GradientSetting([0, 0.5, 0.3, 0.7, 1]);
        Assert.Equal(0.0, g.Evaluate("x", 0)!.Value, 12);
        Assert.Equal(0.4, g.Evaluate("x", 0.375)!.Value, 12); // s=1.5 -> (0.5+0.3)/2
        Assert.Equal(1.0, g.Evaluate("x", 1)!.Value, 12);
    }
}
