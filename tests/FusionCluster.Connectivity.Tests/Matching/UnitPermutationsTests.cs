using FusionCluster.Connectivity.Matching;
using FusionCluster.Connectivity.Networks;
using FusionCluster.Connectivity.Tests.Support;
using FusionCluster.Evaluation.Datasets;
using static TorchSharp.torch;

namespace FusionCluster.Connectivity.Tests.Matching;

[Collection(TorchCollection.Name)]
public sealed class UnitPermutationsTests(TrainedPairs pairs)
{
    [Theory]
    [InlineData("mlp")]
    [InlineData("cnn")]
    public void Permuting_hidden_units_leaves_the_function_unchanged(string architecture)
    {
        var weights = architecture == "mlp" ? pairs.Mlps.A : pairs.Cnns.A;
        var spec = UnitPermutations.SpecOf(weights, "model");
        var permutations = spec.Groups.Select((g, i) => (g.Name, Perm: HandPermutation.RandomPermutation(g.Size, 100 + i))).ToDictionary(p => p.Name, p => p.Perm);
        using var samples = LabelledSamples.From(pairs.Dataset, DatasetSplit.HeldOut, maxSamples: 300);

        using var permuted = UnitPermutations.Apply(weights, spec, permutations);

        using var noGrad = no_grad();
        using var expected = ClassifierForward.Logits(weights, samples.Inputs);
        using var actual = ClassifierForward.Logits(permuted, samples.Inputs);
        Assert.True(actual.allclose(expected, rtol: 1e-4, atol: 1e-5));
        Assert.False(permuted.Weight(0).eq(weights.Weight(0)).all().item<bool>(), "the first layer's units should have moved");
    }

    [Fact]
    public void It_permutes_as_the_hand_written_mlp_permutation_does()
    {
        var weights = pairs.Mlps.A;
        var perms = HandPermutation.HiddenWidths(weights.Config).Select((w, i) => HandPermutation.RandomPermutation(w, 7 + i)).ToList();
        var spec = UnitPermutations.SpecOf(weights, "model");

        using var byHand = HandPermutation.PermuteMlp(weights, perms);
        using var permuted = UnitPermutations.Apply(weights, spec, spec.Groups.Select((g, i) => (g.Name, perms[i])).ToDictionary(p => p.Name, p => p.Item2));

        foreach (var (name, _) in weights.Config.TensorShapes())
        {
            Assert.True(permuted[name].eq(byHand[name]).all().item<bool>(), $"tensor {name} differs");
        }
    }
}
