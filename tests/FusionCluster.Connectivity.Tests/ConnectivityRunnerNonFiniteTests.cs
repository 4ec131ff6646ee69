using FusionCluster.Connectivity.Networks;
using FusionCluster.Connectivity.Tests.Support;
using FusionCluster.Core.Formats;

namespace FusionCluster.Connectivity.Tests;

[Collection(TorchCollection.Name)]
public sealed class ConnectivityRunnerNonFiniteTests(TrainedPairs pairs)
{
    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void A_model_with_a_non_finite_weight_is_refused_naming_it_and_the_tensor(float poison)
    {
        using var temp = new TempDirectory();
        var (a, b) = pairs.Mlps;
        a.Save(temp.Combine("a"));
        b.Save(temp.Combine("b"));
        using (var poisoned = ClassifierWeights.Load(temp.Combine("b")))
        {
            var values = poisoned[ClassifierWeights.WeightName(1)].data<float>();
            values[0, 3] = poison;
            values[1, 17] = poison;
            poisoned.Save(temp.Combine("b-poisoned"));
        }

        // Without the check every point, α = 0 (model a alone) included, scored NaN and both barriers came out as 0.
        var error = Assert.Throws<CheckpointException>(() =>
            ConnectivityRunner.Run(temp.Combine("a"), temp.Combine("b-poisoned"), pairs.Dataset, new ConnectOptions { Points = 3, EvaluationSamples = 100 }, TestContext.Current.CancellationToken));

        Assert.Equal($"{temp.Combine("b-poisoned")}: tensor 'layers.1.weight' holds 2 NaN or infinite value(s); a path between models needs finite weights", error.Message);
    }
}
