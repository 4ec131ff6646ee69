using FusionCluster.Alignment.Assignment;
using FusionCluster.Connectivity.Matching;
using FusionCluster.Connectivity.Networks;
using FusionCluster.Connectivity.Paths;
using FusionCluster.Connectivity.Tests.Support;
using FusionCluster.Evaluation.Datasets;

namespace FusionCluster.Connectivity.Tests.Matching;

[Collection(TorchCollection.Name)]
public sealed class ActivationMatcherTests(TrainedPairs pairs)
{
    [Fact]
    public void A_permuted_copy_is_matched_back_to_the_original_exactly()
    {
        var original = pairs.Mlps.A;
        var perms = HandPermutation.HiddenWidths(original.Config).Select((w, i) => HandPermutation.RandomPermutation(w, 40 + i)).ToList();
        using var shuffled = HandPermutation.PermuteMlp(original, perms);
        using var data = LabelledSamples.From(pairs.Dataset, DatasetSplit.Train, maxSamples: 500, seed: 2);

        var matched = ActivationMatcher.Match(original, shuffled, data.Inputs, new JonkerVolgenantSolver());

        using var aligned = UnitPermutations.Apply(shuffled, UnitPermutations.SpecOf(shuffled, "shuffled"), matched);
        foreach (var (name, _) in original.Config.TensorShapes())
        {
            Assert.True(aligned[name].eq(original[name]).all().item<bool>(), $"tensor {name} was not restored");
        }
    }

    [Theory]
    [InlineData("mlp")]
    [InlineData("cnn")]
    public void Matching_independently_trained_models_lowers_the_midpoint_loss(string architecture)
    {
        var (a, b) = architecture == "mlp" ? pairs.Mlps : pairs.Cnns;
        using var data = LabelledSamples.From(pairs.Dataset, DatasetSplit.Train, maxSamples: 1000, seed: 2);
        using var heldOut = LabelledSamples.From(pairs.Dataset, DatasetSplit.HeldOut);

        var matched = ActivationMatcher.Match(a, b, data.Inputs, new JonkerVolgenantSolver());
        using var aligned = UnitPermutations.Apply(b, UnitPermutations.SpecOf(b, "b"), matched);

        using var naiveMidpoint = new LinearPath(a, b).At(0.5);
        using var alignedMidpoint = new LinearPath(a, aligned).At(0.5);
        var naive = ClassifierScorer.Score(naiveMidpoint, heldOut);
        var better = ClassifierScorer.Score(alignedMidpoint, heldOut);
        Assert.True(better.Loss < naive.Loss - 0.05, $"aligned midpoint loss {better.Loss} should be below the naive {naive.Loss}");
    }
}
