using FusionCluster.Connectivity.Networks;
using FusionCluster.Connectivity.Tests.Support;
using FusionCluster.Evaluation.Datasets;
using static TorchSharp.torch;

namespace FusionCluster.Connectivity.Tests.Networks;

[Collection(TorchCollection.Name)]
public sealed class ClassifierForwardTests(TrainedPairs pairs)
{
    [Theory]
    [InlineData("mlp")]
    [InlineData("cnn")]
    public void The_functional_forward_computes_what_the_module_computes(string architecture)
    {
        var weights = architecture == "mlp" ? pairs.Mlps.A : pairs.Cnns.A;
        using var samples = LabelledSamples.From(pairs.Dataset, DatasetSplit.HeldOut, maxSamples: 200);
        using var network = weights.ToNetwork();
        using var noGrad = no_grad();

        using var expected = network.call(samples.Inputs);
        var hiddenLayers = new List<int>();
        using var actual = ClassifierForward.Logits(weights, samples.Inputs, (layer, _, _) => hiddenLayers.Add(layer));

        Assert.True(actual.allclose(expected, rtol: 1e-5, atol: 1e-5));
        Assert.Equal(Enumerable.Range(0, weights.HiddenLayerCount), hiddenLayers);
    }
}
