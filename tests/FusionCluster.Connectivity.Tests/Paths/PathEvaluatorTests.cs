using FusionCluster.Connectivity.Networks;
using FusionCluster.Connectivity.Paths;
using FusionCluster.Connectivity.Tests.Support;
using FusionCluster.Evaluation.Datasets;
using FusionCluster.Evaluation.Evaluators;

namespace FusionCluster.Connectivity.Tests.Paths;

[Collection(TorchCollection.Name)]
public sealed class PathEvaluatorTests(TrainedPairs pairs)
{
    [Fact]
    public void The_linear_paths_endpoints_score_as_the_saved_models_do()
    {
        using var folder = new TempDirectory();
        var (a, b) = pairs.Mlps;
        a.Save(Path.Combine(folder.Path, "a"));
        b.Save(Path.Combine(folder.Path, "b"));
        using var heldOut = LabelledSamples.From(pairs.Dataset, DatasetSplit.HeldOut);

        var points = PathEvaluator.Evaluate(new LinearPath(a, b), 5, heldOut, cancellationToken: TestContext.Current.CancellationToken);

        // The accuracy evaluator runs the checkpoint through ClassifierNetwork, the module, not the functional forward.
        var evaluator = new AccuracyEvaluator(pairs.Dataset);
        var expectedA = evaluator.Evaluate(Path.Combine(folder.Path, "a"), TestContext.Current.CancellationToken);
        var expectedB = evaluator.Evaluate(Path.Combine(folder.Path, "b"), TestContext.Current.CancellationToken);
        Assert.Equal([0, 0.25, 0.5, 0.75, 1], points.Select(p => p.Alpha));
        Assert.Equal(expectedA["accuracy"], points[0].Accuracy, 12);
        Assert.Equal(expectedA["cross_entropy"], points[0].Loss, 4);
        Assert.Equal(expectedB["accuracy"], points[^1].Accuracy, 12);
        Assert.Equal(expectedB["cross_entropy"], points[^1].Loss, 4);
        Assert.True(expectedA["accuracy"] > 0.75 && expectedB["accuracy"] > 0.75, $"the trained models should be decent classifiers: {expectedA["accuracy"]}, {expectedB["accuracy"]}");
    }

    [Fact]
    public void A_trained_bezier_curve_has_a_lower_midpoint_loss_than_the_straight_line()
    {
        var (a, b) = pairs.Mlps;
        using var train = LabelledSamples.From(pairs.Dataset, DatasetSplit.Train, maxSamples: 3000, seed: 5);
        using var heldOut = LabelledSamples.From(pairs.Dataset, DatasetSplit.HeldOut);
        var bezier = BezierCurveTrainer.Train(a, b, train, new BezierTrainingOptions { Epochs = 2, Seed = 3 }, TestContext.Current.CancellationToken);
        using var bend = bezier.Bend;

        var linear = PathEvaluator.Evaluate(new LinearPath(a, b), 3, heldOut, cancellationToken: TestContext.Current.CancellationToken);
        var curve = PathEvaluator.Evaluate(bezier, 3, heldOut, cancellationToken: TestContext.Current.CancellationToken);

        Assert.True(linear[1].Loss > linear[0].Loss + 0.1, $"the independently trained MLPs should have a loss barrier between them (midpoint {linear[1].Loss}, endpoint {linear[0].Loss})");
        Assert.True(curve[1].Loss < linear[1].Loss - 0.1, $"bezier midpoint loss {curve[1].Loss} should be well below the linear midpoint's {linear[1].Loss}");
        Assert.Equal(linear[0].Loss, curve[0].Loss, 5);
        Assert.Equal(linear[2].Loss, curve[2].Loss, 5);
    }
}
