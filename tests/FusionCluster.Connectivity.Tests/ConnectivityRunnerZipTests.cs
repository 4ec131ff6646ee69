using FusionCluster.Alignment.Zipping;
using FusionCluster.Connectivity.Networks;
using FusionCluster.Connectivity.Tests.Support;
using FusionCluster.Connectivity.Zipping;
using FusionCluster.Evaluation.Datasets;
using FusionCluster.Evaluation.Models;

namespace FusionCluster.Connectivity.Tests;

[Collection(TorchCollection.Name)]
public sealed class ConnectivityRunnerZipTests(TrainedPairs pairs)
{
    [Fact]
    public void Connect_saves_the_partially_zipped_model_it_scores_as_a_checkpoint()
    {
        var (a, b) = pairs.Mlps;
        using var temp = SavedPair();
        var options = new ConnectOptions { Alignment = AlignmentMethod.ZipIt, ZipLayers = 1, StatisticsSamples = 500, EvaluationSamples = 200, SaveZippedTo = temp.Combine("zipped") };

        ConnectivityRunner.Run(temp.Combine("a"), temp.Combine("b"), pairs.Dataset, options, TestContext.Current.CancellationToken);

        // The same zip computed here on the runner's statistics samples (the training split drawn by the seed).
        using var statistics = LabelledSamples.From(pairs.Dataset, DatasetSplit.Train, 500, options.Seed);
        using var zipped = ZipItMerger.Zip(a, b, statistics.Inputs, 1, new ZipItOptions());
        using var expected = zipped.ToClassifier();
        using var saved = ClassifierCheckpoint.Load(temp.Combine("zipped"));
        Assert.Equal(1, saved.Config.ZipLayers);
        foreach (var (name, parameter) in saved.named_parameters())
        {
            Assert.Equal(expected[name].data<float>().ToArray(), parameter.data<float>().ToArray());
        }

        Assert.Empty(Directory.GetDirectories(temp.Path, "zipped.partial-*"));
    }

    [Fact]
    public void Connect_refuses_to_save_into_a_folder_that_holds_files_and_keeps_them()
    {
        using var temp = SavedPair();
        Directory.CreateDirectory(temp.Combine("mine"));
        File.WriteAllText(temp.Combine("mine", "notes.txt"), "keep");
        var options = new ConnectOptions { Alignment = AlignmentMethod.ZipIt, ZipLayers = 1, StatisticsSamples = 200, EvaluationSamples = 100, SaveZippedTo = temp.Combine("mine") };

        var error = Assert.Throws<ArgumentException>(() => ConnectivityRunner.Run(temp.Combine("a"), temp.Combine("b"), pairs.Dataset, options, TestContext.Current.CancellationToken));

        Assert.Contains(temp.Combine("mine"), error.Message, StringComparison.Ordinal);
        Assert.Equal(["notes.txt"], Directory.GetFileSystemEntries(temp.Combine("mine")).Select(Path.GetFileName));
    }

    [Fact]
    public void Connect_refuses_a_partially_zipped_endpoint_naming_it()
    {
        using var temp = SavedPair();
        var options = new ConnectOptions { Alignment = AlignmentMethod.ZipIt, ZipLayers = 1, StatisticsSamples = 200, EvaluationSamples = 100, SaveZippedTo = temp.Combine("zipped") };
        ConnectivityRunner.Run(temp.Combine("a"), temp.Combine("b"), pairs.Dataset, options, TestContext.Current.CancellationToken);

        var error = Assert.Throws<ArgumentException>(() => ConnectivityRunner.Run(temp.Combine("zipped"), temp.Combine("b"), pairs.Dataset, new ConnectOptions { Points = 2 }, TestContext.Current.CancellationToken));

        Assert.Contains(temp.Combine("zipped"), error.Message, StringComparison.Ordinal);
        Assert.Contains("zip_layers", error.Message, StringComparison.Ordinal);
    }

    /// <summary>The trained MLP pair saved as checkpoint folders a and b.</summary>
    private TempDirectory SavedPair()
    {
        var (a, b) = pairs.Mlps;
        var temp = new TempDirectory();
        a.Save(temp.Combine("a"));
        b.Save(temp.Combine("b"));
        return temp;
    }
}
