using System.Diagnostics;
using FusionCluster.Evaluation.Datasets;
using FusionCluster.Evaluation.Evaluators;
using FusionCluster.Evaluation.Models;
using FusionCluster.Evaluation.Tests.Support;
using FusionCluster.Evaluation.Training;

namespace FusionCluster.Evaluation.Tests.Training;

[Collection(TorchCollection.Name)]
public sealed class ClassifierTrainerTests(MnistData mnist)
{
    [Fact]
    public void The_same_seed_gives_a_byte_identical_mlp_and_another_seed_does_not()
    {
        using var temp = new TempDirectory();
        var options = new TrainingOptions { HiddenSizes = [32], MaxSamples = 1500, Epochs = 2, Seed = 11 };

        ClassifierTrainer.TrainAndSave(mnist.Dataset, options, temp.Combine("a"), TestContext.Current.CancellationToken);
        ClassifierTrainer.TrainAndSave(mnist.Dataset, options, temp.Combine("b"), TestContext.Current.CancellationToken);
        ClassifierTrainer.TrainAndSave(mnist.Dataset, options with { Seed = 12 }, temp.Combine("c"), TestContext.Current.CancellationToken);

        var a = File.ReadAllBytes(temp.Combine("a", "model.safetensors"));
        Assert.Equal(a, File.ReadAllBytes(temp.Combine("b", "model.safetensors")));
        Assert.NotEqual(a, File.ReadAllBytes(temp.Combine("c", "model.safetensors")));
    }

    [Fact]
    public void The_same_seed_gives_a_byte_identical_cnn_fine_tune()
    {
        using var temp = new TempDirectory();
        var scratch = new TrainingOptions { Architecture = ClassifierArchitecture.Cnn, ConvChannels = [4, 8], HiddenSizes = [], MaxSamples = 600, Seed = 2 };
        ClassifierTrainer.TrainAndSave(mnist.Dataset, scratch, temp.Combine("base"), TestContext.Current.CancellationToken);
        var fineTune = new TrainingOptions { BaseCheckpoint = temp.Combine("base"), Classes = [0, 1], MaxSamples = 300, Seed = 5, Optimizer = TrainingOptimizer.Sgd, LearningRate = 0.05 };

        ClassifierTrainer.TrainAndSave(mnist.Dataset, fineTune, temp.Combine("a"), TestContext.Current.CancellationToken);
        ClassifierTrainer.TrainAndSave(mnist.Dataset, fineTune, temp.Combine("b"), TestContext.Current.CancellationToken);

        Assert.Equal(File.ReadAllBytes(temp.Combine("a", "model.safetensors")), File.ReadAllBytes(temp.Combine("b", "model.safetensors")));
        Assert.NotEqual(File.ReadAllBytes(temp.Combine("base", "model.safetensors")), File.ReadAllBytes(temp.Combine("a", "model.safetensors")));
    }

    [Fact]
    public void A_few_seconds_of_mlp_training_recognises_well_above_chance_of_the_held_out_digits()
    {
        using var temp = new TempDirectory();
        // The dataset is read on first use: outside the training's time.
        var dataset = mnist.Dataset;
        var clock = Stopwatch.StartNew();
        var summary = ClassifierTrainer.TrainAndSave(dataset, new TrainingOptions { Epochs = 2, Seed = 1 }, temp.Path, TestContext.Current.CancellationToken);
        var trained = clock.Elapsed;

        var metrics = new AccuracyEvaluator(mnist.Dataset).Evaluate(temp.Path, TestContext.Current.CancellationToken);

        Assert.Equal(mnist.Dataset.TrainCount, summary.Samples);
        Assert.True(metrics["accuracy"] > 0.85, $"held-out accuracy {metrics["accuracy"]:P1} after {trained.TotalSeconds:F1} s of training");
        // A few seconds alone; the bound leaves room for the tests beside it on a loaded 2-core machine.
        Assert.True(trained < TimeSpan.FromSeconds(60), $"training took {trained.TotalSeconds:F1} s");
    }

    [Fact]
    public void Fine_tuning_on_some_classes_keeps_the_architecture_and_leans_towards_those_classes()
    {
        using var temp = new TempDirectory();
        ClassifierTrainer.TrainAndSave(mnist.Dataset, new TrainingOptions { HiddenSizes = [32], MaxSamples = 2000, Seed = 4 }, temp.Combine("base"), TestContext.Current.CancellationToken);
        var summary = ClassifierTrainer.TrainAndSave(
            mnist.Dataset,
            new TrainingOptions { BaseCheckpoint = temp.Combine("base"), Classes = [3, 8], Epochs = 2, Seed = 4, HiddenSizes = [999] },
            temp.Combine("ft"), TestContext.Current.CancellationToken);

        var baseOnThree = new AccuracyEvaluator(mnist.Dataset, classes: [3]).Evaluate(temp.Combine("base"), TestContext.Current.CancellationToken)["accuracy"];
        var tunedOnThree = new AccuracyEvaluator(mnist.Dataset, classes: [3]).Evaluate(temp.Combine("ft"), TestContext.Current.CancellationToken)["accuracy"];
        var tunedOnOthers = new AccuracyEvaluator(mnist.Dataset, classes: [0, 1, 2, 4, 5, 6, 7, 9]).Evaluate(temp.Combine("ft"), TestContext.Current.CancellationToken)["accuracy"];

        Assert.Equal(mnist.Dataset.Indices(DatasetSplit.Train, [3, 8]).Length, summary.Samples);
        Assert.Equal(File.ReadAllText(temp.Combine("base", "config.json")), File.ReadAllText(temp.Combine("ft", "config.json")));
        Assert.True(tunedOnThree >= baseOnThree, $"class 3: base {baseOnThree:P1}, fine-tune {tunedOnThree:P1}");
        // Trained only on 3s and 8s, it forgets the rest: the classic catastrophic forgetting that merging repairs.
        Assert.True(tunedOnOthers < 0.5, $"other classes after fine-tuning on 3 and 8: {tunedOnOthers:P1}");
    }

    [Fact]
    public void A_training_that_diverges_says_where_and_saves_nothing()
    {
        using var temp = new TempDirectory();
        var options = new TrainingOptions { HiddenSizes = [32], MaxSamples = 512, Epochs = 3, Optimizer = TrainingOptimizer.Sgd, LearningRate = 1e12 };

        var error = Assert.Throws<TrainingDivergedException>(() => ClassifierTrainer.TrainAndSave(mnist.Dataset, options, temp.Combine("out"), TestContext.Current.CancellationToken));

        Assert.Contains("training diverged", error.Message, StringComparison.Ordinal);
        Assert.Contains("epoch 1, step ", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(temp.Combine("out")));
    }

    [Theory]
    [InlineData(5)]
    [InlineData(33)]
    public void More_convolutions_than_the_images_sides_allow_are_refused_before_training(int convolutions)
    {
        using var temp = new TempDirectory();
        // 28x28 MNIST: four 2x2 poolings leave 1x1, a fifth leaves nothing (33: a shift count C# takes modulo 32).
        var options = new TrainingOptions { Architecture = ClassifierArchitecture.Cnn, ConvChannels = [.. Enumerable.Repeat(2, convolutions)], MaxSamples = 64 };

        var error = Assert.Throws<ArgumentException>(() => ClassifierTrainer.TrainAndSave(mnist.Dataset, options, temp.Combine("out"), TestContext.Current.CancellationToken));

        Assert.EndsWith($"{convolutions} convolutions, each followed by a 2x2 pooling, leave nothing of a 28x28 image; give at most 4", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(temp.Combine("out")));
    }

    [Fact]
    public void Asking_for_classes_the_training_split_lacks_is_an_error()
    {
        var dataset = new ImageDataset(1, 1, 1, 1, 1, 3, [0, 0], [0, 2]);

        var error = Assert.Throws<ArgumentException>(() => ClassifierTrainer.Train(dataset, new TrainingOptions { Classes = [2] }, out _, TestContext.Current.CancellationToken));

        Assert.Contains("no samples of classes 2", error.Message, StringComparison.Ordinal);
    }
}
