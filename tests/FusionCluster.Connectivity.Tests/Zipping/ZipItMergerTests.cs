using FusionCluster.Alignment.Zipping;
using FusionCluster.Connectivity.Matching;
using FusionCluster.Connectivity.Networks;
using FusionCluster.Connectivity.Tests.Support;
using FusionCluster.Connectivity.Zipping;
using FusionCluster.Evaluation.Datasets;
using FusionCluster.Evaluation.Models;
using static TorchSharp.torch;

namespace FusionCluster.Connectivity.Tests.Zipping;

[Collection(TorchCollection.Name)]
public sealed class ZipItMergerTests(TrainedPairs pairs)
{
    private static readonly ClassifierConfig Tiny = new() { Architecture = ClassifierArchitecture.Mlp, Channels = 1, Height = 1, Width = 2, HiddenSizes = [2], NumLabels = 2 };

    [Fact]
    public void A_tiny_pair_zips_into_the_hand_computed_model()
    {
        // a: h0 = x0, h1 = x1. b: h0 = x1 + 1, h1 = 2·x0, so a0 pairs with b1 and a1 with b0 (correlation 1).
        using var a = Mlp([1, 0, 0, 1], [0, 0], [1, 2, 3, 4], [0.5f, -0.5f]);
        using var b = Mlp([0, 1, 2, 0], [1, 0], [5, 6, 7, 8], [1.5f, 0.5f]);
        var random = new Random(3);
        using var inputs = tensor(Enumerable.Range(0, 400).Select(_ => (float)random.NextDouble()).ToArray(), [200, 2]);

        using var zipped = ZipItMerger.Zip(a, b, inputs, zipLayers: null, new ZipItOptions());
        using var merged = zipped.ToClassifier()!;

        // Hidden 0 = mean(a0, b1) = [(1 + 2)/2, 0], bias (0 + 0)/2; hidden 1 = mean(a1, b0) = [0, 1], bias (0 + 1)/2.
        Assert.Equal([1.5f, 0, 0, 1], merged.Weight(0).data<float>().ToArray());
        Assert.Equal([0, 0.5f], merged.Bias(0).data<float>().ToArray());

        // Output: a reads (h0, h1) as is: [[1, 2], [3, 4]]; b's h0 is merged 1 and h1 merged 0: [[6, 5], [8, 7]]; mean.
        Assert.Equal([3.5f, 3.5f, 5.5f, 5.5f], merged.Weight(1).data<float>().ToArray());
        Assert.Equal([1, 0], merged.Bias(1).data<float>().ToArray());
    }

    [Fact]
    public void Zipping_no_layer_averages_the_two_models_logits()
    {
        var (a, b) = pairs.Mlps;
        using var data = LabelledSamples.From(pairs.Dataset, DatasetSplit.Train, maxSamples: 300);

        using var zipped = ZipItMerger.Zip(a, b, data.Inputs, zipLayers: 0, new ZipItOptions());

        using var noGrad = no_grad();
        using var expected = ClassifierForward.Logits(a, data.Inputs).add(ClassifierForward.Logits(b, data.Inputs)).div(2);
        using var actual = zipped.Logits(data.Inputs);
        Assert.True(actual.allclose(expected, rtol: 1e-4, atol: 1e-5));

        // Its checkpoint form is a two-branch classifier sharing nothing, which runs the same forward.
        using var classifier = zipped.ToClassifier();
        Assert.Equal(0, classifier.Config.ZipLayers);
        using var network = classifier.ToNetwork();
        using var fromCheckpoint = network.forward(data.Inputs);
        Assert.True(fromCheckpoint.allclose(expected, rtol: 1e-4, atol: 1e-5));
    }

    [Fact]
    public void Zipping_trained_mlps_beats_averaging_them_naively()
    {
        var (a, b) = pairs.Mlps;
        using var data = LabelledSamples.From(pairs.Dataset, DatasetSplit.Train, maxSamples: 1000, seed: 4);
        using var heldOut = LabelledSamples.From(pairs.Dataset, DatasetSplit.HeldOut);

        using var zipped = ZipItMerger.Zip(a, b, data.Inputs, zipLayers: null, new ZipItOptions());
        using var naive = ClassifierWeights.Interpolate(a, b, 0.5);

        var zippedScore = ClassifierScorer.Score(zipped.Logits, heldOut);
        var naiveScore = ClassifierScorer.Score(naive, heldOut);
        Assert.True(zippedScore.Loss < naiveScore.Loss, $"zipped loss {zippedScore.Loss} should be below the naive average's {naiveScore.Loss}");
    }

    [Theory]
    [InlineData("mlp")]
    [InlineData("cnn")]
    public void Zipping_a_trained_model_with_a_permuted_copy_of_itself_gives_back_the_model(string kind)
    {
        var model = kind == "mlp" ? pairs.Mlps.A : pairs.Cnns.A;
        var spec = UnitPermutations.SpecOf(model, kind);
        var shuffle = new Random(11);
        var permutations = spec.Groups.ToDictionary(g => g.Name, g => Enumerable.Range(0, g.Size).ToArray(), StringComparer.Ordinal);
        foreach (var permutation in permutations.Values)
        {
            shuffle.Shuffle(permutation);
        }

        using var copy = UnitPermutations.Apply(model, spec, permutations);
        using var data = LabelledSamples.From(pairs.Dataset, DatasetSplit.Train, maxSamples: 300);

        using var zipped = ZipItMerger.Zip(model, copy, data.Inputs, zipLayers: null, new ZipItOptions());
        using var merged = zipped.ToClassifier()!;

        // Each unit is clustered with its own copy (correlation 1, above any pair within a model), and clusters sit
        // at the first model's positions, so every merged weight is (w + w) / 2 and every unmerged input reads one
        // feature: the model itself, in float32 exactly.
        foreach (var (name, _) in model.Config.TensorShapes())
        {
            Assert.Equal(model[name].data<float>().ToArray(), merged[name].data<float>().ToArray());
        }
    }

    [Fact]
    public void A_zipped_cnn_runs_like_its_classifier_and_zipping_no_layer_averages_the_logits()
    {
        var (a, b) = pairs.Cnns;
        using var data = LabelledSamples.From(pairs.Dataset, DatasetSplit.Train, maxSamples: 300);

        using var full = ZipItMerger.Zip(a, b, data.Inputs, zipLayers: null, new ZipItOptions());
        using var none = ZipItMerger.Zip(a, b, data.Inputs, zipLayers: 0, new ZipItOptions());
        using var classifier = full.ToClassifier()!;

        using var noGrad = no_grad();
        using var expectedFull = ClassifierForward.Logits(classifier, data.Inputs);
        using var actualFull = full.Logits(data.Inputs);
        Assert.True(actualFull.allclose(expectedFull, rtol: 1e-5, atol: 1e-6));
        using var expectedNone = ClassifierForward.Logits(a, data.Inputs).add(ClassifierForward.Logits(b, data.Inputs)).div(2);
        using var actualNone = none.Logits(data.Inputs);
        Assert.True(actualNone.allclose(expectedNone, rtol: 1e-4, atol: 1e-5));
    }

    [Theory]
    [InlineData("mlp")]
    [InlineData("cnn")]
    public void A_partially_zipped_model_saved_as_a_checkpoint_loads_back_and_runs_its_forward(string kind)
    {
        var (a, b) = kind == "mlp" ? pairs.Mlps : pairs.Cnns;
        using var data = LabelledSamples.From(pairs.Dataset, DatasetSplit.Train, maxSamples: 300);
        using var zipped = ZipItMerger.Zip(a, b, data.Inputs, zipLayers: 1, new ZipItOptions());
        using var temp = new TempDirectory();

        using (var classifier = zipped.ToClassifier())
        {
            classifier.Save(temp.Path);
        }

        // Read back by the loader fusion eval and the evaluators use: the same tensors, the same logits.
        using var network = ClassifierCheckpoint.Load(temp.Path);
        Assert.Equal(1, network.Config.ZipLayers);
        Assert.Equal(2, network.Config.Branches);
        var parameters = network.named_parameters().ToDictionary(p => p.name, p => p.parameter.data<float>().ToArray());
        Assert.Equal(zipped.Trunk[0].Weight.data<float>().ToArray(), parameters["layers.0.weight"]);
        Assert.Equal(zipped.Heads[1][0].Weight.data<float>().ToArray(), parameters["branches.1.layers.0.weight"]);
        using var noGrad = no_grad();
        using var expected = zipped.Logits(data.Inputs);
        using var actual = network.forward(data.Inputs);
        Assert.Equal(expected.data<float>().ToArray(), actual.data<float>().ToArray());
    }

    [Fact]
    public void Zipping_trained_cnns_beats_averaging_them_naively()
    {
        var (a, b) = pairs.Cnns;
        using var data = LabelledSamples.From(pairs.Dataset, DatasetSplit.Train, maxSamples: 1000, seed: 4);
        using var heldOut = LabelledSamples.From(pairs.Dataset, DatasetSplit.HeldOut);

        using var zipped = ZipItMerger.Zip(a, b, data.Inputs, zipLayers: null, new ZipItOptions());
        using var naive = ClassifierWeights.Interpolate(a, b, 0.5);

        var zippedScore = ClassifierScorer.Score(zipped.Logits, heldOut);
        var naiveScore = ClassifierScorer.Score(naive, heldOut);
        TestContext.Current.SendDiagnosticMessage($"CNN held-out accuracy: naive {naiveScore.Accuracy:F3}, zipped {zippedScore.Accuracy:F3}");
        Assert.True(zippedScore.Loss < naiveScore.Loss, $"zipped loss {zippedScore.Loss} should be below the naive average's {naiveScore.Loss}");
    }

    private static ClassifierWeights Mlp(float[] hiddenWeight, float[] hiddenBias, float[] outputWeight, float[] outputBias) => new(Tiny, new Dictionary<string, Tensor>
    {
        ["layers.0.weight"] = tensor(hiddenWeight, [2, 2]),
        ["layers.0.bias"] = tensor(hiddenBias),
        ["layers.1.weight"] = tensor(outputWeight, [2, 2]),
        ["layers.1.bias"] = tensor(outputBias),
    });
}
