using FusionCluster.Evaluation.Datasets;
using FusionCluster.Evaluation.Ensembles;
using FusionCluster.Evaluation.Evaluators;
using FusionCluster.Evaluation.Tests.Support;

namespace FusionCluster.Evaluation.Tests.Ensembles;

/// <summary>
/// Classifier ensembles through <see cref="AccuracyEvaluator"/>, on two hand-made linear classifiers over two-pixel
/// images: A's logits are the pixels / 255 (it picks the brighter pixel), B's are the constant [0, ln 3]
/// (probabilities [1/4, 3/4] whatever the image).
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class ClassifierEnsembleTests
{
    // Held-out images and labels: (255, 0) → 0, (0, 255) → 1, (200, 100) → 0.
    private static readonly double[][] Pixels = [[1, 0], [0, 1], [200 / 255.0, 100 / 255.0]];
    private static readonly int[] Labels = [0, 1, 0];

    [Fact]
    public void Mean_probs_is_the_weighted_mixture_of_the_members_probabilities()
    {
        using var temp = new TempDirectory();
        var ensemble = Ensemble(temp, [1, 1], EnsembleRule.MeanProbs);

        var metrics = new AccuracyEvaluator(Dataset()).Evaluate(ensemble, TestContext.Current.CancellationToken);

        // Image 1: A gives [e/(e+1), 1/(e+1)] = [.731, .269], the mixture [.490, .510]: class 1, wrong.
        // Image 2: mixture [.260, .740]: right. Image 3: A [.597, .403], mixture [.423, .577]: wrong.
        var mixtures = Pixels.Select(x => Mix(Softmax(x), Softmax([0, Math.Log(3)]), 0.5)).ToArray();
        Assert.Equal(1.0 / 3, metrics["accuracy"], 12);
        Assert.Equal(-Enumerable.Range(0, 3).Average(i => Math.Log(mixtures[i][Labels[i]])), metrics["cross_entropy"], 5);
    }

    [Fact]
    public void Mean_logits_is_the_softmax_of_the_weighted_mean_of_the_logits()
    {
        using var temp = new TempDirectory();
        var ensemble = Ensemble(temp, [1, 3], EnsembleRule.MeanLogits);

        var metrics = new AccuracyEvaluator(Dataset()).Evaluate(ensemble, TestContext.Current.CancellationToken);

        // Logits 0.25 x + 0.75 [0, ln 3]: class 1 leads by 0.75 ln 3 = 0.82 minus 0.25 (x0 - x1), so every image says 1.
        var probabilities = Pixels.Select(x => Softmax([0.25 * x[0], (0.25 * x[1]) + (0.75 * Math.Log(3))])).ToArray();
        Assert.Equal(1.0 / 3, metrics["accuracy"], 12);
        Assert.Equal(0.0, metrics["accuracy/class_0"], 12);
        Assert.Equal(-Enumerable.Range(0, 3).Average(i => Math.Log(probabilities[i][Labels[i]])), metrics["cross_entropy"], 5);
    }

    [Fact]
    public void Vote_counts_weighted_top_classes_and_breaks_ties_towards_the_lowest_class()
    {
        using var temp = new TempDirectory();
        var tied = Ensemble(temp, [1, 1], EnsembleRule.Vote, "tied");
        var outvoted = Ensemble(temp, [1, 2], EnsembleRule.Vote, "outvoted");

        var tie = new AccuracyEvaluator(Dataset()).Evaluate(tied, TestContext.Current.CancellationToken);
        var majority = new AccuracyEvaluator(Dataset()).Evaluate(outvoted, TestContext.Current.CancellationToken);

        // A votes 0, 1, 0 and B always 1: at equal weights images 1 and 3 tie and go to class 0 (both right);
        // with B weighing twice as much it wins everywhere, right only on image 2.
        Assert.Equal(1.0, tie["accuracy"], 12);
        Assert.Equal(1.0 / 3, majority["accuracy"], 12);
        Assert.False(tie.ContainsKey("cross_entropy"));
    }

    [Fact]
    public void An_ensemble_of_one_or_of_two_copies_scores_as_the_model()
    {
        using var temp = new TempDirectory();
        var model = TinyCheckpoint.LinearClassifier(temp.Combine("a"), 1, 1, 2, labels: 2, weight: [1, -0.5f, 0.25f, 1], bias: [0.1f, -0.2f]);
        EnsembleManifest.Create(temp.Combine("one"), [model], null, EnsembleRule.MeanProbs).Write();
        EnsembleManifest.Create(temp.Combine("two"), [model, model], [1, 2], EnsembleRule.MeanProbs).Write();
        EnsembleManifest.Create(temp.Combine("two-logits"), [model, model], null, EnsembleRule.MeanLogits).Write();
        var evaluator = new AccuracyEvaluator(Dataset());

        var alone = evaluator.Evaluate(model, TestContext.Current.CancellationToken);

        foreach (var ensemble in new[] { "one", "two", "two-logits" })
        {
            var metrics = evaluator.Evaluate(temp.Combine(ensemble), TestContext.Current.CancellationToken);
            Assert.Equal(alone["accuracy"], metrics["accuracy"]);
            Assert.Equal(alone["cross_entropy"], metrics["cross_entropy"], 5);
        }
    }

    [Fact]
    public void Members_with_other_classes_are_refused_naming_the_member()
    {
        using var temp = new TempDirectory();
        var a = TinyCheckpoint.LinearClassifier(temp.Combine("a"), 1, 1, 2, labels: 2, weight: new float[4], bias: new float[2]);
        var b = TinyCheckpoint.LinearClassifier(temp.Combine("b"), 1, 1, 2, labels: 3, weight: new float[6], bias: new float[3]);
        EnsembleManifest.Create(temp.Combine("ens"), [a, b], null, EnsembleRule.MeanProbs).Write();

        var error = Assert.Throws<EvaluationException>(() => new AccuracyEvaluator(Dataset()).Evaluate(temp.Combine("ens"), TestContext.Current.CancellationToken));

        Assert.Contains("member '../b' takes 1x1x2 images into 3 classes", error.Message, StringComparison.Ordinal);
    }

    private static string Ensemble(TempDirectory temp, double[] weights, EnsembleRule rule, string name = "ens")
    {
        var a = TinyCheckpoint.LinearClassifier(temp.Combine("a"), 1, 1, 2, labels: 2, weight: [1, 0, 0, 1], bias: [0, 0]);
        var b = TinyCheckpoint.LinearClassifier(temp.Combine("b"), 1, 1, 2, labels: 2, weight: new float[4], bias: [0, (float)Math.Log(3)]);
        EnsembleManifest.Create(temp.Combine(name), [a, b], weights, rule).Write();
        return temp.Combine(name);
    }

    private static ImageDataset Dataset() => new(0, 3, 1, 1, 2, 2, [255, 0, 0, 255, 200, 100], [0, 1, 0]);

    private static double[] Softmax(double[] logits)
    {
        var exps = logits.Select(Math.Exp).ToArray();
        return exps.Select(e => e / exps.Sum()).ToArray();
    }

    private static double[] Mix(double[] p, double[] q, double weightOfP) => p.Zip(q, (a, b) => (weightOfP * a) + ((1 - weightOfP) * b)).ToArray();
}
