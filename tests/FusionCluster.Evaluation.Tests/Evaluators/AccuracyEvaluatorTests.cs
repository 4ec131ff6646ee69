using FusionCluster.Core.Sweeps;
using FusionCluster.Evaluation.Datasets;
using FusionCluster.Evaluation.Evaluators;
using FusionCluster.Evaluation.Models;
using FusionCluster.Evaluation.Tests.Support;
using FusionCluster.Evaluation.Training;

namespace FusionCluster.Evaluation.Tests.Evaluators;

[Collection(TorchCollection.Name)]
public sealed class AccuracyEvaluatorTests(MnistData mnist)
{
    [Fact]
    public async Task A_hand_made_classifier_scores_what_its_rule_predicts()
    {
        // Two-pixel images; the classifier's logits are the pixels / 255, so it predicts the brighter pixel.
        using var temp = new TempDirectory();
        var model = TinyCheckpoint.LinearClassifier(temp.Combine("model"), 1, 1, 2, labels: 2, weight: [1, 0, 0, 1], bias: [0, 0]);
        byte[] pixels =
        [
            0, 255, // train, label 0: would be wrong, but train samples are not evaluated
            200, 10, // held out, label 0: right
            10, 200, // held out, label 1: right
            50, 100, // held out, label 0: wrong
            255, 0, // held out, label 0: right
        ];
        var dataset = new ImageDataset(1, 4, 1, 1, 2, 2, pixels, [0, 0, 1, 0, 0]);

        var metrics = await new AccuracyEvaluator(dataset).EvaluateAsync(model, TestContext.Current.CancellationToken);

        Assert.Equal(0.75, metrics["accuracy"], 12);
        Assert.Equal(2.0 / 3, metrics["accuracy/class_0"], 12);
        Assert.Equal(1.0, metrics["accuracy/class_1"], 12);
        Assert.Equal(4, metrics["samples"]);
        double[] expectedLosses =
        [
            CrossEntropy([200 / 255.0, 10 / 255.0], 0),
            CrossEntropy([10 / 255.0, 200 / 255.0], 1),
            CrossEntropy([50 / 255.0, 100 / 255.0], 0),
            CrossEntropy([1, 0], 0),
        ];
        Assert.Equal(expectedLosses.Average(), metrics["cross_entropy"], 5);

        // A sweep's reader accepts each of these as an objective of this evaluator.
        var sweepEvaluator = new SweepEvaluatorSpec(new AccuracyEvaluatorSpec("digits.fcds", "held-out", null), null, null);
        Assert.All(metrics.Keys, name => Assert.True(EvaluatorMetricNames.MayReport(sweepEvaluator, name), name));
    }

    [Fact]
    public void Restricting_to_classes_evaluates_only_those_samples()
    {
        using var temp = new TempDirectory();
        var model = TinyCheckpoint.LinearClassifier(temp.Combine("model"), 1, 1, 2, labels: 2, weight: [1, 0, 0, 1], bias: [0, 0]);
        var dataset = new ImageDataset(0, 3, 1, 1, 2, 2, [200, 10, 10, 200, 50, 100], [0, 1, 0]);

        var metrics = new AccuracyEvaluator(dataset, DatasetSplit.HeldOut, classes: [1]).Evaluate(model, TestContext.Current.CancellationToken);

        Assert.Equal(1.0, metrics["accuracy"]);
        Assert.Equal(1, metrics["samples"]);
        Assert.False(metrics.ContainsKey("accuracy/class_0"));
    }

    [Fact]
    public void A_model_for_other_images_is_refused()
    {
        using var temp = new TempDirectory();
        var model = TinyCheckpoint.LinearClassifier(temp.Combine("model"), 1, 1, 3, labels: 2, weight: new float[6], bias: new float[2]);
        var dataset = new ImageDataset(0, 1, 1, 1, 2, 2, [1, 2], [0]);

        var error = Assert.Throws<EvaluationException>(() => new AccuracyEvaluator(dataset).Evaluate(model, TestContext.Current.CancellationToken));

        Assert.Contains("1x1x3", error.Message, StringComparison.Ordinal);
        Assert.Contains("1x1x2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Accuracy_of_a_trained_mlp_on_real_digits_matches_a_plain_csharp_forward_pass()
    {
        using var temp = new TempDirectory();
        var dataset = mnist.Dataset;
        var folder = temp.Combine("mlp");
        ClassifierTrainer.TrainAndSave(dataset, new TrainingOptions { HiddenSizes = [16], MaxSamples = 2000, Seed = 3 }, folder, TestContext.Current.CancellationToken);

        var metrics = new AccuracyEvaluator(dataset).Evaluate(folder, TestContext.Current.CancellationToken);

        // Independent forward pass in float64 from the raw safetensors: relu(x W0^T + b0) W1^T + b1, argmax.
        var tensors = RawSafetensors.Read(Path.Combine(folder, "model.safetensors"));
        var (w0, b0, w1, b1) = (tensors["layers.0.weight"].Values, tensors["layers.0.bias"].Values, tensors["layers.1.weight"].Values, tensors["layers.1.bias"].Values);
        var correct = new int[10];
        var total = new int[10];
        foreach (var index in dataset.Indices(DatasetSplit.HeldOut))
        {
            var image = dataset.Image(index);
            var hidden = new double[16];
            for (var h = 0; h < 16; h++)
            {
                double sum = b0[h];
                for (var p = 0; p < 784; p++)
                {
                    sum += w0[(h * 784) + p] * (image[p] / 255.0);
                }

                hidden[h] = Math.Max(0, sum);
            }

            var best = 0;
            var bestLogit = double.NegativeInfinity;
            for (var c = 0; c < 10; c++)
            {
                double logit = b1[c];
                for (var h = 0; h < 16; h++)
                {
                    logit += w1[(c * 16) + h] * hidden[h];
                }

                if (logit > bestLogit)
                {
                    (best, bestLogit) = (c, logit);
                }
            }

            var label = dataset.Label(index);
            total[label]++;
            correct[label] += best == label ? 1 : 0;
        }

        Assert.Equal(dataset.HeldOutCount, metrics["samples"]);
        Assert.Equal((double)correct.Sum() / total.Sum(), metrics["accuracy"], 12);
        for (var c = 0; c < 10; c++)
        {
            Assert.Equal((double)correct[c] / total[c], metrics[$"accuracy/class_{c}"], 12);
        }
    }

    private static double CrossEntropy(double[] logits, int label) =>
        Math.Log(logits.Sum(Math.Exp)) - logits[label];
}
