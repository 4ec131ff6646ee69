using FusionCluster.Connectivity.Networks;
using FusionCluster.Connectivity.Paths;
using FusionCluster.Connectivity.Tests.Support;
using FusionCluster.Evaluation.Datasets;
using FusionCluster.Evaluation.Training;
using TorchSharp;

namespace FusionCluster.Connectivity.Tests.Paths;

[Collection(TorchCollection.Name)]
public sealed class BezierCurveTrainerTests(TrainedPairs pairs)
{
    [Fact]
    public void A_fit_whose_loss_overflows_stops_naming_the_step_and_the_learning_rate()
    {
        var (a, b) = pairs.Mlps;
        using var train = LabelledSamples.From(pairs.Dataset, DatasetSplit.Train, maxSamples: 1024, seed: 5);

        // The first step starts at the midpoint of two decent classifiers, so its loss is finite; a step of 10^12 times
        // the gradient sends the logits past what float32 holds within a few steps.
        var error = Assert.Throws<TrainingDivergedException>(() =>
            BezierCurveTrainer.Train(a, b, train, new BezierTrainingOptions { Epochs = 1, LearningRate = 1e12, Seed = 3 }, TestContext.Current.CancellationToken));

        Assert.StartsWith("training the Bézier curve's bend point diverged in epoch 1, step ", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("step 1:", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("try a learning rate below 1000000000000", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_last_step_that_leaves_the_bend_point_not_finite_stops_too()
    {
        var (a, b) = pairs.Mlps;
        var options = new BezierTrainingOptions { Epochs = 1, LearningRate = float.MaxValue, Seed = 3 };
        using var train = LabelledSamples.From(pairs.Dataset, DatasetSplit.Train, maxSamples: options.BatchSize, seed: 5);
        using (Scalar brighter = 1e6)
        {
            train.Inputs.mul_(brighter);
        }

        // One batch, one step: its loss is the midpoint's, large but finite, and with inputs a million times brighter the
        // first layer's gradient exceeds 1, so a step of the largest float32 times it overflows in the update itself.
        var error = Assert.Throws<TrainingDivergedException>(() => BezierCurveTrainer.Train(a, b, train, options, TestContext.Current.CancellationToken));

        Assert.StartsWith("training the Bézier curve's bend point diverged in its last step: layers.", error.Message, StringComparison.Ordinal);
        Assert.Contains(" is no longer finite", error.Message, StringComparison.Ordinal);
    }
}
