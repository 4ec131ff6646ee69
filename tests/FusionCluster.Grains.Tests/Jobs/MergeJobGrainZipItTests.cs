using System.Text.Json.Nodes;
using FusionCluster.Alignment.Permutations;
using FusionCluster.Alignment.Specs;
using FusionCluster.Alignment.Zipping;
using FusionCluster.Connectivity.Networks;
using FusionCluster.Connectivity.Zipping;
using FusionCluster.Core.Execution;
using FusionCluster.Core.Formats;
using FusionCluster.Evaluation.Datasets;
using FusionCluster.Evaluation.Models;
using FusionCluster.Evaluation.Training;
using FusionCluster.Grains.Abstractions;
using FusionCluster.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace FusionCluster.Grains.Tests.Jobs;

/// <summary>
/// align: {method: zipit} in merge jobs, on classifiers trained on real digits from different seeds: one align unit
/// correlates both models' features on a worker silo and leaves every hidden layer's clusters; the merge units read
/// both models through their share of M·[W_a; W_b]·U, so the job publishes the classifier <c>fusion connect</c>'s
/// ZipIt! makes in process, with the inputs' architecture, on any topology.
/// </summary>
public sealed class MergeJobGrainZipItTests(TrainedClassifierFolder models) : IClassFixture<TrainedClassifierFolder>
{
    private const int Samples = 600;
    private const int Seed = 3;

    [Fact]
    public async Task A_zipit_job_publishes_the_in_process_zipped_mlp_byte_for_byte_and_beats_the_naive_midpoint()
    {
        var cancellation = TestContext.Current.CancellationToken;
        await using var cluster = await WorkerCluster.StartAsync(unitSlots: 2, silos: 1);
        var zipped = await models.RunJobAsync(cluster, Spec("mlp-1", "mlp-2", zip: true), "zipped-mlp", cancellation);
        var naive = await models.RunJobAsync(cluster, Spec("mlp-1", "mlp-2", zip: false), "naive-mlp", cancellation);
        Assert.True(zipped.State == JobState.Succeeded, zipped.Error);
        Assert.True(naive.State == JobState.Succeeded, naive.Error);

        AssertPublishesInProcessZip("mlp-1", "mlp-2", "zipped-mlp");
        var units = await cluster.Client.GetGrain<IMergeJobGrain>("job-zipped-mlp").GetUnits();
        Assert.Equal("align mlp-2", Assert.Single(units, u => u.Phase == "align").Name);
        var report = JobRuns.Report(models.PathOf("zipped-mlp"))["alignment"]!;
        Assert.Equal("zipit", report["method"]!.GetValue<string>());
        Assert.Equal(["layers.0.out", "layers.1.out"], report["models"]!["mlp-2"]!["groups"]!.AsObject().Select(g => g.Key));

        using var heldOut = LabelledSamples.From(models.Dataset, DatasetSplit.HeldOut);
        using var zippedModel = ClassifierWeights.Load(models.PathOf("zipped-mlp"));
        using var naiveModel = ClassifierWeights.Load(models.PathOf("naive-mlp"));
        var zippedScore = ClassifierScorer.Score(zippedModel, heldOut);
        var naiveScore = ClassifierScorer.Score(naiveModel, heldOut);
        TestContext.Current.SendDiagnosticMessage($"held-out accuracy: naive midpoint {naiveScore.Accuracy:F3}, zipit {zippedScore.Accuracy:F3}");
        Assert.True(zippedScore.Accuracy > naiveScore.Accuracy, $"zipped accuracy {zippedScore.Accuracy} should beat the naive midpoint's {naiveScore.Accuracy}");
    }

    [Fact]
    public async Task A_zipit_job_zips_cnns_as_in_process_and_gives_back_a_cnn_zipped_with_its_permuted_copy()
    {
        var cancellation = TestContext.Current.CancellationToken;
        TrainCnns(cancellation);

        // A copy of cnn-1 with its channels and hidden units shuffled (whole pixel blocks move with their channel).
        using (var checkpoint = CheckpointFolder.Open(models.PathOf("cnn-1")))
        {
            var shapes = checkpoint.TensorNames.ToDictionary(n => n, n => checkpoint.GetEntry(n).Shape, StringComparer.Ordinal);
            var spec = ClassifierPermutationSpec.Derive(shapes, "cnn-1");
            var shuffle = new Random(5);
            var permutations = spec.Groups.ToDictionary(g => g.Name, g => Enumerable.Range(0, g.Size).ToArray(), StringComparer.Ordinal);
            foreach (var permutation in permutations.Values)
            {
                shuffle.Shuffle(permutation);
            }

            PermutedCheckpointWriter.Write(checkpoint, new PermutedTensorMap(spec, permutations), models.PathOf("cnn-1-shuffled"), cancellation);
        }

        await using var cluster = await WorkerCluster.StartAsync(unitSlots: 2, silos: 1);
        var zipped = await models.RunJobAsync(cluster, Spec("cnn-1", "cnn-2", zip: true), "zipped-cnn", cancellation);
        var itself = await models.RunJobAsync(cluster, Spec("cnn-1", "cnn-1-shuffled", zip: true), "zipped-itself", cancellation);
        Assert.True(zipped.State == JobState.Succeeded, zipped.Error);
        Assert.True(itself.State == JobState.Succeeded, itself.Error);

        AssertPublishesInProcessZip("cnn-1", "cnn-2", "zipped-cnn");

        // Each channel pairs with its own shuffled copy: (w + w) / 2 = w, so the job gives cnn-1 back exactly.
        using var original = CheckpointFolder.Open(models.PathOf("cnn-1"));
        using var back = CheckpointFolder.Open(models.PathOf("zipped-itself"));
        foreach (var tensor in original.TensorNames)
        {
            Assert.True(Bits(Tensors(original, tensor)).SequenceEqual(Bits(Tensors(back, tensor))), $"{tensor} differs from cnn-1");
        }
    }

    [Fact]
    public async Task A_partial_zipit_job_publishes_what_fusion_connect_save_zipped_writes_and_its_branches_run_as_one_classifier()
    {
        var cancellation = TestContext.Current.CancellationToken;
        await using var cluster = await WorkerCluster.StartAsync(unitSlots: 2, silos: 1);
        var partial = await models.RunJobAsync(cluster, Spec("mlp-1", "mlp-2", zip: true, zipLayers: 1), "partial-mlp", cancellation);
        var naive = await models.RunJobAsync(cluster, Spec("mlp-1", "mlp-2", zip: false), "partial-naive-mlp", cancellation);
        Assert.True(partial.State == JobState.Succeeded, partial.Error);
        Assert.True(naive.State == JobState.Succeeded, naive.Error);

        var units = await cluster.Client.GetGrain<IMergeJobGrain>("job-partial-mlp").GetUnits();
        Assert.Equal(
            ["align mlp-2", "layer 0", "branch 0 layer 0", "branch 0 layer 1", "branch 1 layer 0", "branch 1 layer 1"],
            units.OrderBy(u => u.Phase == "align" ? 0 : 1).ThenBy(u => u.Index).Select(u => u.Name));
        var report = JobRuns.Report(models.PathOf("partial-mlp"))["alignment"]!;
        Assert.Equal(["layers.0.out"], report["models"]!["mlp-2"]!["groups"]!.AsObject().Select(g => g.Key));

        // What fusion connect --align zipit --zip-layers 1 --save-zipped writes, on the same sample draw.
        using var a = ClassifierWeights.Load(models.PathOf("mlp-1"));
        using var b = ClassifierWeights.Load(models.PathOf("mlp-2"));
        using var samples = LabelledSamples.From(models.Dataset, DatasetSplit.Train, Samples, Seed);
        using var zipped = ZipItMerger.Zip(a, b, samples.Inputs, zipLayers: 1, new ZipItOptions());
        using var saved = new TempDirectory();
        using (var classifier = zipped.ToClassifier())
        {
            classifier.Save(saved.Path);
        }

        using var expected = CheckpointFolder.Open(saved.Path);
        using var published = CheckpointFolder.Open(models.PathOf("partial-mlp"));
        Assert.Equal(
            ["branches.0.layers.0.bias", "branches.0.layers.0.weight", "branches.0.layers.1.bias", "branches.0.layers.1.weight",
             "branches.1.layers.0.bias", "branches.1.layers.0.weight", "branches.1.layers.1.bias", "branches.1.layers.1.weight",
             "layers.0.bias", "layers.0.weight"],
            published.TensorNames.Order(StringComparer.Ordinal));
        Assert.Equal(expected.TensorNames.Order(StringComparer.Ordinal), published.TensorNames.Order(StringComparer.Ordinal));
        AssertSameTensors(expected, published);

        // A branch past the zipped layer is its model's own layer as stored.
        Assert.True(Bits(Tensors(published, "branches.1.layers.1.weight")).SequenceEqual(Bits(b["layers.2.weight"].data<float>().ToArray())));

        // config.json says zip_layers and branches; fusion eval's loader runs it with the logits of the in-process zip.
        using var network = ClassifierCheckpoint.Load(models.PathOf("partial-mlp"));
        Assert.Equal((1, 2), (network.Config.ZipLayers, network.Config.Branches));
        Assert.Equal(ClassifierCheckpoint.Load(saved.Path).Config.ToJson().ToJsonString(), network.Config.ToJson().ToJsonString());
        using var heldOut = LabelledSamples.From(models.Dataset, DatasetSplit.HeldOut);
        AssertSameLogits(zipped, network, heldOut);

        using var naiveModel = ClassifierWeights.Load(models.PathOf("partial-naive-mlp"));
        var partialScore = ClassifierScorer.Score(x => network.forward(x), heldOut);
        var naiveScore = ClassifierScorer.Score(naiveModel, heldOut);
        TestContext.Current.SendDiagnosticMessage($"held-out accuracy: naive midpoint {naiveScore.Accuracy:F3}, zipit with zip_layers 1 {partialScore.Accuracy:F3}");
        Assert.True(partialScore.Accuracy > naiveScore.Accuracy, $"partially zipped accuracy {partialScore.Accuracy} should beat the naive midpoint's {naiveScore.Accuracy}");
    }

    [Fact]
    public async Task A_partial_zipit_job_of_cnns_publishes_what_fusion_connect_save_zipped_writes_with_convolutional_branches()
    {
        var cancellation = TestContext.Current.CancellationToken;
        // Two convolutions and one hidden linear layer: zip_layers 1 shares the first convolution, so the branches
        // start with a convolution that reads the shared channels through each model's unmerge.
        TrainCnns(cancellation);

        await using var cluster = await WorkerCluster.StartAsync(unitSlots: 2, silos: 1);
        var partial = await models.RunJobAsync(cluster, Spec("cnn-1", "cnn-2", zip: true, zipLayers: 1), "partial-cnn", cancellation);
        Assert.True(partial.State == JobState.Succeeded, partial.Error);

        var units = await cluster.Client.GetGrain<IMergeJobGrain>("job-partial-cnn").GetUnits();
        Assert.Equal(
            ["align cnn-2", "layer 0", "branch 0 layer 0", "branch 0 layer 1", "branch 0 layer 2", "branch 1 layer 0", "branch 1 layer 1", "branch 1 layer 2"],
            units.OrderBy(u => u.Phase == "align" ? 0 : 1).ThenBy(u => u.Index).Select(u => u.Name));

        // What fusion connect --align zipit --zip-layers 1 --save-zipped writes, on the same sample draw.
        using var a = ClassifierWeights.Load(models.PathOf("cnn-1"));
        using var b = ClassifierWeights.Load(models.PathOf("cnn-2"));
        using var samples = LabelledSamples.From(models.Dataset, DatasetSplit.Train, Samples, Seed);
        using var zipped = ZipItMerger.Zip(a, b, samples.Inputs, zipLayers: 1, new ZipItOptions());
        using var saved = new TempDirectory();
        using (var classifier = zipped.ToClassifier())
        {
            classifier.Save(saved.Path);
        }

        using var expected = CheckpointFolder.Open(saved.Path);
        using var published = CheckpointFolder.Open(models.PathOf("partial-cnn"));
        // Hand-counted: the shared convolution, then per branch the second convolution, the hidden and the output layer.
        Assert.Equal(
            ["branches.0.layers.0.bias", "branches.0.layers.0.weight", "branches.0.layers.1.bias", "branches.0.layers.1.weight", "branches.0.layers.2.bias", "branches.0.layers.2.weight",
             "branches.1.layers.0.bias", "branches.1.layers.0.weight", "branches.1.layers.1.bias", "branches.1.layers.1.weight", "branches.1.layers.2.bias", "branches.1.layers.2.weight",
             "layers.0.bias", "layers.0.weight"],
            published.TensorNames.Order(StringComparer.Ordinal));
        Assert.Equal(expected.TensorNames.Order(StringComparer.Ordinal), published.TensorNames.Order(StringComparer.Ordinal));
        Assert.Equal([8, 4, 3, 3], published.GetEntry("branches.1.layers.0.weight").Shape);
        AssertSameTensors(expected, published);

        // Past the branches' first layer, each branch is its model's own layers as stored.
        Assert.True(Bits(Tensors(published, "branches.1.layers.1.weight")).SequenceEqual(Bits(b["layers.2.weight"].data<float>().ToArray())));
        Assert.True(Bits(Tensors(published, "branches.0.layers.2.weight")).SequenceEqual(Bits(a["layers.3.weight"].data<float>().ToArray())));

        using var network = ClassifierCheckpoint.Load(models.PathOf("partial-cnn"));
        Assert.Equal((ClassifierArchitecture.Cnn, 1, 2), (network.Config.Architecture, network.Config.ZipLayers, network.Config.Branches));
        using var heldOut = LabelledSamples.From(models.Dataset, DatasetSplit.HeldOut);
        AssertSameLogits(zipped, network, heldOut);
    }

    [Fact]
    public async Task Killing_a_silo_during_the_merge_phase_of_a_partial_zipit_job_on_three_silos_gives_the_bytes_of_one_silo()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var spec = Spec("mlp-1", "mlp-3", zip: true, zipLayers: 1);
        await using (var one = await WorkerCluster.StartAsync(unitSlots: 2, silos: 1))
        {
            var alone = await models.RunJobAsync(one, spec, "partial-zip-one-silo", cancellation);
            Assert.True(alone.State == JobState.Succeeded, alone.Error);
        }

        // Every merge unit (the shared layer's and each branch's copies) is held a while before it reads its inputs,
        // so that the polled running-unit view finds one on a worker silo; the job lives on the coordinator.
        await using var redis = await RedisServerProcess.StartAsync(cancellationToken: cancellation);
        await using var three = await WorkerCluster.StartAsync(unitSlots: 1, silos: 3, firstSiloIsCoordinator: true, services: s => s.AddSingleton<IInputAlignment, DelayedMergeViews>(), store: redis);
        var request = new MergeRequest { SpecText = spec, SpecDirectory = models.Folder, Output = models.PathOf("partial-zip-killed") };
        var (disturbed, killed) = await SiloKills.RunKillingAsync(three, await SiloKills.JobOnFirstSiloAsync(three, "job-partial-zip-killed"), request, "merge", cancellation);

        Assert.True(killed, "no worker silo was running a merge unit of the partial zipit job to kill");
        Assert.True(disturbed.State == JobState.Succeeded, disturbed.Error);
        Assert.True(disturbed.Retries > 0, "the killed silo's merge unit must have run again");
        var files = AlignedClassifiers.ModelFiles(models.PathOf("partial-zip-one-silo"));
        Assert.Contains("config.json", files.Keys);
        Assert.Equal(1, JsonNode.Parse(File.ReadAllText(Path.Combine(models.PathOf("partial-zip-one-silo"), "config.json")))!["zip_layers"]!.GetValue<int>());
        Assert.Equal(files, AlignedClassifiers.ModelFiles(models.PathOf("partial-zip-killed")));
    }

    [Fact]
    public async Task The_preview_of_a_partial_zipit_job_lists_its_branch_units_and_refuses_more_layers_than_the_models_have()
    {
        await using var cluster = await WorkerCluster.StartAsync(unitSlots: 1, silos: 1);
        var request = new MergeRequest { SpecText = Spec("mlp-1", "mlp-2", zip: true, zipLayers: 1), SpecDirectory = models.Folder, Output = "/unused" };

        var preview = await cluster.Client.GetGrain<IPlannerGrain>(0).Preview(request);

        Assert.Null(preview.Error);
        Assert.Equal(["align mlp-2", "layer 0", "branch 0 layer 0", "branch 0 layer 1", "branch 1 layer 0", "branch 1 layer 1"], preview.UnitNames);
        Assert.Equal(["align", .. Enumerable.Repeat("merge", 5)], preview.UnitPhases);
        Assert.Equal(10, preview.Tensors);

        var tooMany = await cluster.Client.GetGrain<IPlannerGrain>(0).Preview(request with { SpecText = Spec("mlp-1", "mlp-2", zip: true, zipLayers: 3) });
        Assert.Equal("align.zip_layers: the models have 2 hidden layers; zip 0..2 of them, not 3", tooMany.Error);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(1)]
    public async Task Three_silos_zip_two_mlps_into_the_same_bytes_as_one_silo(int? zipLayers)
    {
        var cancellation = TestContext.Current.CancellationToken;
        var spec = Spec("mlp-2", "mlp-3", zip: true, zipLayers);
        var suffix = zipLayers is { } k ? $"-{k}" : "";
        var files = await OneAndThreeSilos.AssertSameBytesAsync(models.Folder, spec, $"zip-one-silo{suffix}", $"zip-three-silos{suffix}", cancellation);
        Assert.Contains("config.json", files.Keys);
    }

    [Fact]
    public async Task Killing_a_silo_during_the_align_phase_of_a_zipit_job_changes_no_byte()
    {
        var cancellation = TestContext.Current.CancellationToken;
        // The align unit is held a few seconds (then runs for real), so that it is still running when its silo dies;
        // the job lives on the coordinator, where no unit runs, so its one align unit's silo can always be killed.
        await using var redis = await RedisServerProcess.StartAsync(cancellationToken: cancellation);
        await using var cluster = await WorkerCluster.StartAsync(unitSlots: 1, firstSiloIsCoordinator: true, services: s => s.AddSingleton<IInputAlignment, DelayedAlignment>(), store: redis);
        var spec = Spec("mlp-1", "mlp-3", zip: true);

        var undisturbed = await models.RunJobAsync(cluster, spec, "zip-undisturbed", cancellation);
        Assert.True(undisturbed.State == JobState.Succeeded, undisturbed.Error);
        Assert.Equal(0, undisturbed.Retries);

        var request = new MergeRequest { SpecText = spec, SpecDirectory = models.Folder, Output = models.PathOf("zip-killed") };
        var (disturbed, killed) = await SiloKills.RunKillingAsync(cluster, await SiloKills.JobOnFirstSiloAsync(cluster, "job-zip-killed"), request, "align", cancellation);

        Assert.True(killed, "no silo was running the zipit align unit to kill");
        Assert.True(disturbed.State == JobState.Succeeded, disturbed.Error);
        Assert.True(disturbed.Retries > 0, "the killed silo's align unit must have run again");
        Assert.Equal(AlignedClassifiers.ModelFiles(models.PathOf("zip-undisturbed")), AlignedClassifiers.ModelFiles(models.PathOf("zip-killed")));
    }

    /// <summary>
    /// The expectation, independent of jobs: Connectivity's in-process ZipIt! on the same sample draw (the training
    /// split, Samples drawn by Seed), every hidden layer zipped, as an ordinary classifier of the inputs' widths.
    /// </summary>
    private void AssertPublishesInProcessZip(string reference, string other, string output)
    {
        using var a = ClassifierWeights.Load(models.PathOf(reference));
        using var b = ClassifierWeights.Load(models.PathOf(other));
        using var samples = LabelledSamples.From(models.Dataset, DatasetSplit.Train, Samples, Seed);
        using var zipped = ZipItMerger.Zip(a, b, samples.Inputs, zipLayers: null, new ZipItOptions());
        using var expected = zipped.ToClassifier()!;
        using var published = CheckpointFolder.Open(models.PathOf(output));
        Assert.Equal(a.Config.TensorShapes().Select(s => s.Name).Order(), published.TensorNames.Order());
        foreach (var (name, shape) in a.Config.TensorShapes())
        {
            Assert.Equal(shape, published.GetEntry(name).Shape);
            Assert.True(Bits(expected[name].data<float>().ToArray()).SequenceEqual(Bits(Tensors(published, name))), $"{name}: the job's bytes differ from the in-process zip");
        }
    }

    /// <summary>
    /// cnn-1 and cnn-2: two MNIST CNNs (two convolutions, one hidden linear layer) from seeds 1 and 2, trained once for
    /// the tests of this class that zip CNNs.
    /// </summary>
    private void TrainCnns(CancellationToken cancellation)
    {
        var options = new TrainingOptions { Architecture = ClassifierArchitecture.Cnn, ConvChannels = [4, 8], HiddenSizes = [16], Epochs = 1, MaxSamples = 3000, LearningRate = 3e-3 };
        foreach (var seed in new[] { 1, 2 })
        {
            if (Directory.Exists(models.PathOf($"cnn-{seed}")))
            {
                continue;
            }

            using var network = ClassifierTrainer.Train(models.Dataset, options with { Seed = (ulong)seed }, out _, cancellation);
            ClassifierCheckpoint.Save(models.PathOf($"cnn-{seed}"), network);
        }
    }

    /// <summary>Every tensor of <paramref name="expected"/> (what fusion connect --save-zipped writes) in <paramref name="published"/>, bit for bit.</summary>
    private static void AssertSameTensors(CheckpointFolder expected, CheckpointFolder published)
    {
        foreach (var name in expected.TensorNames)
        {
            Assert.Equal(expected.GetEntry(name).Shape, published.GetEntry(name).Shape);
            Assert.True(Bits(Tensors(expected, name)).SequenceEqual(Bits(Tensors(published, name))), $"{name}: the job's bytes differ from fusion connect --save-zipped's");
        }
    }

    private static void AssertSameLogits(ZippedClassifier zipped, ClassifierNetwork network, LabelledSamples heldOut)
    {
        using (TorchSharp.torch.no_grad())
        {
            using var expectedLogits = zipped.Logits(heldOut.Inputs);
            using var publishedLogits = network.forward(heldOut.Inputs);
            Assert.True(Bits(expectedLogits.data<float>().ToArray()).SequenceEqual(Bits(publishedLogits.data<float>().ToArray())), "the published model's logits differ from the in-process zip's");
        }
    }

    private static IEnumerable<int> Bits(float[] values) => values.Select(BitConverter.SingleToInt32Bits);

    private static float[] Tensors(CheckpointFolder checkpoint, string name)
    {
        var values = new float[checkpoint.GetEntry(name).ElementCount];
        using var source = checkpoint.OpenTensorAsync(name, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        source.Read(0, values);
        return values;
    }

    private static string Spec(string reference, string other, bool zip, int? zipLayers = null)
    {
        var section = zip ? $"align:\n  method: zipit\n  dataset: {TrainedClassifierFolder.DatasetFile}\n  samples: {Samples}\n  seed: {Seed}\n" : "";
        section += zipLayers is { } k ? $"  zip_layers: {k}\n" : "";
        return $"merge_method: linear\nmodels:\n  - {{model: {reference}, parameters: {{weight: 0.5}}}}\n  - {{model: {other}, parameters: {{weight: 0.5}}}}\n{section}";
    }
}
