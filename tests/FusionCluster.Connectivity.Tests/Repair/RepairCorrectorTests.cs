using FusionCluster.Connectivity.Networks;
using FusionCluster.Connectivity.Paths;
using FusionCluster.Connectivity.Repair;
using FusionCluster.Connectivity.Tests.Support;
using FusionCluster.Evaluation.Datasets;

namespace FusionCluster.Connectivity.Tests.Repair;

[Collection(TorchCollection.Name)]
public sealed class RepairCorrectorTests(TrainedPairs pairs)
{
    [Theory]
    [InlineData("mlp", 0.5)]
    [InlineData("mlp", 0.3)]
    [InlineData("cnn", 0.5)]
    public void After_repair_every_unit_has_the_interpolated_mean_and_std_on_the_data(string architecture, double alpha)
    {
        var (a, b) = architecture == "mlp" ? pairs.Mlps : pairs.Cnns;
        using var data = LabelledSamples.From(pairs.Dataset, DatasetSplit.Train, maxSamples: 1000, seed: 9);
        var statsA = UnitStatistics.Measure(a, data.Inputs);
        var statsB = UnitStatistics.Measure(b, data.Inputs);
        using var interpolated = new LinearPath(a, b).At(alpha);

        using var repaired = RepairCorrector.Repair(interpolated, statsA, statsB, alpha, data.Inputs);

        var before = UnitStatistics.Measure(interpolated, data.Inputs);
        var after = UnitStatistics.Measure(repaired, data.Inputs);
        var collapsed = 0;
        for (var layer = 0; layer < after.Count; layer++)
        {
            for (var unit = 0; unit < after[layer].Units; unit++)
            {
                var goalMean = ((1 - alpha) * statsA[layer].Mean[unit]) + (alpha * statsB[layer].Mean[unit]);
                var goalStd = ((1 - alpha) * statsA[layer].Std[unit]) + (alpha * statsB[layer].Std[unit]);
                var tolerance = 1e-3 * Math.Max(1, goalStd);
                Assert.True(Math.Abs(after[layer].Mean[unit] - goalMean) < tolerance, $"layer {layer} unit {unit}: mean {after[layer].Mean[unit]}, goal {goalMean}");
                Assert.True(Math.Abs(after[layer].Std[unit] - goalStd) < tolerance, $"layer {layer} unit {unit}: std {after[layer].Std[unit]}, goal {goalStd}");
                collapsed += before[layer].Std[unit] < goalStd ? 1 : 0;
            }
        }

        // Variance collapse, the reason REPAIR exists: most interpolated units had less spread than their goal.
        Assert.True(collapsed > after.Sum(l => l.Units) / 2, $"only {collapsed} units had collapsed");
    }
}
