using FusionCluster.Connectivity.Networks;
using FusionCluster.Connectivity.Repair;
using FusionCluster.Evaluation.Models;
using static TorchSharp.torch;

namespace FusionCluster.Connectivity.Tests.Repair;

public sealed class UnitStatisticsTests
{
    [Fact]
    public void Linear_units_are_measured_over_samples_before_relu()
    {
        var config = new ClassifierConfig { Architecture = ClassifierArchitecture.Mlp, Channels = 1, Height = 1, Width = 2, HiddenSizes = [2], NumLabels = 2 };
        using var weights = new ClassifierWeights(config, new Dictionary<string, Tensor>
        {
            ["layers.0.weight"] = tensor(new float[] { 1, 0, -1, -1 }, [2, 2]),
            ["layers.0.bias"] = tensor(new float[] { 0, 1 }),
            ["layers.1.weight"] = zeros(2, 2),
            ["layers.1.bias"] = zeros(2),
        });
        using var inputs = tensor(new float[] { 0, 0, 1, 0, 2, 2 }, [3, 2]);

        var layer = Assert.Single(UnitStatistics.Measure(weights, inputs));

        // Unit 0 = x0: 0, 1, 2 -> mean 1, variance 2/3. Unit 1 = 1 − x0 − x1: 1, 0, −3 (negative: before ReLU)
        // -> mean −2/3, variance ((5/3)² + (2/3)² + (7/3)²) / 3 = 78/27.
        Assert.Equal(1, layer.Mean[0], 6);
        Assert.Equal(Math.Sqrt(2.0 / 3), layer.Std[0], 6);
        Assert.Equal(-2.0 / 3, layer.Mean[1], 6);
        Assert.Equal(Math.Sqrt(78.0 / 27), layer.Std[1], 6);
    }

    [Fact]
    public void Convolution_channels_are_measured_over_samples_and_positions()
    {
        var config = new ClassifierConfig { Architecture = ClassifierArchitecture.Cnn, Channels = 1, Height = 2, Width = 2, ConvChannels = [1], NumLabels = 2 };
        var identityKernel = new float[9];
        identityKernel[4] = 1;
        using var weights = new ClassifierWeights(config, new Dictionary<string, Tensor>
        {
            ["layers.0.weight"] = tensor(identityKernel, [1, 1, 3, 3]),
            ["layers.0.bias"] = tensor(new float[] { 0.5f }),
            ["layers.1.weight"] = zeros(2, 1),
            ["layers.1.bias"] = zeros(2),
        });
        using var inputs = tensor(new float[] { 1, 2, 3, 4, 5, 6, 7, 8 }, [2, 4]);

        var layer = Assert.Single(UnitStatistics.Measure(weights, inputs));

        // The kernel copies each pixel, plus the bias: 1.5 ... 8.5 -> mean 5, variance (sum of (k − 4.5)² for k = 1..8) / 8 = 5.25.
        Assert.Equal(5, layer.Mean[0], 6);
        Assert.Equal(Math.Sqrt(5.25), layer.Std[0], 6);
    }
}
