using System.Text.Json.Nodes;
using FusionCluster.Alignment.Matching;
using FusionCluster.Alignment.Permutations;
using FusionCluster.Alignment.Specs;
using FusionCluster.Alignment.Tests.Support;
using FusionCluster.Core.Formats;
using FusionCluster.Core.Tensors;
using FusionCluster.Evaluation.Datasets;
using FusionCluster.Evaluation.Models;
using FusionCluster.Evaluation.Training;
using static TorchSharp.torch;

namespace FusionCluster.Alignment.Tests.Matching;

[Collection(TorchCollection.Name)]
public sealed class ClassifierWeightMatchingTests(MnistData mnist)
{
    [Fact]
    public void A_randomly_permuted_trained_MLP_computes_the_same_outputs_and_aligns_back_bit_for_bit()
    {
        var options = new TrainingOptions { HiddenSizes = [32, 16], MaxSamples = 1000, Seed = 3 };
        var random = new Random(21);
        var hidden0 = ReferencePermutation.Random(random, 32);
        var hidden1 = ReferencePermutation.Random(random, 16);
        var axes = new Dictionary<string, Dictionary<int, (int[], int)>>
        {
            ["layers.0.weight"] = new() { [0] = (hidden0, 1) },
            ["layers.0.bias"] = new() { [0] = (hidden0, 1) },
            ["layers.1.weight"] = new() { [0] = (hidden1, 1), [1] = (hidden0, 1) },
            ["layers.1.bias"] = new() { [0] = (hidden1, 1) },
            ["layers.2.weight"] = new() { [1] = (hidden1, 1) },
            ["layers.2.bias"] = new(),
        };

        PermuteCheckAndAlign(options, axes, new() { ["layers.0.out"] = hidden0, ["layers.1.out"] = hidden1 });
    }

    [Fact]
    public void A_randomly_permuted_trained_CNN_computes_the_same_outputs_and_aligns_back_bit_for_bit()
    {
        // Two conv+pool steps leave 7x7 maps: the first linear layer reads each of the 8 channels as 49 inputs.
        var options = new TrainingOptions { Architecture = ClassifierArchitecture.Cnn, ConvChannels = [4, 8], HiddenSizes = [16], MaxSamples = 600, Seed = 2 };
        var random = new Random(22);
        var conv0 = ReferencePermutation.Random(random, 4);
        var conv1 = ReferencePermutation.Random(random, 8);
        var hidden = ReferencePermutation.Random(random, 16);
        var axes = new Dictionary<string, Dictionary<int, (int[], int)>>
        {
            ["layers.0.weight"] = new() { [0] = (conv0, 1) },
            ["layers.0.bias"] = new() { [0] = (conv0, 1) },
            ["layers.1.weight"] = new() { [0] = (conv1, 1), [1] = (conv0, 1) },
            ["layers.1.bias"] = new() { [0] = (conv1, 1) },
            ["layers.2.weight"] = new() { [0] = (hidden, 1), [1] = (conv1, 49) },
            ["layers.2.bias"] = new() { [0] = (hidden, 1) },
            ["layers.3.weight"] = new() { [1] = (hidden, 1) },
            ["layers.3.bias"] = new(),
        };

        PermuteCheckAndAlign(options, axes, new() { ["layers.0.out"] = conv0, ["layers.1.out"] = conv1, ["layers.2.out"] = hidden });
    }

    private void PermuteCheckAndAlign(TrainingOptions options, Dictionary<string, Dictionary<int, (int[], int)>> axes, Dictionary<string, int[]> applied)
    {
        var cancellation = TestContext.Current.CancellationToken;
        using var temp = new TempDirectory();
        ClassifierTrainer.TrainAndSave(mnist.Dataset, options, temp.Combine("reference"), cancellation);
        var config = (JsonObject)JsonNode.Parse(File.ReadAllText(temp.Combine("reference", "config.json")))!;
        Dictionary<string, (long[] Shape, float[] Values)> trained;
        using (var reference = CheckpointFolder.Open(temp.Combine("reference")))
        {
            var tensors = new CheckpointAlignmentTensors(reference, cache: false);
            trained = tensors.Shapes.ToDictionary(t => t.Key, t => (t.Value, tensors.Read(t.Key)));
        }

        Assert.Equal(axes.Keys.Order(), trained.Keys.Order());
        var permuted = trained.ToDictionary(t => t.Key, t => (t.Value.Shape, ReferencePermutation.Apply(t.Value.Values, t.Value.Shape, axes[t.Key])));
        CheckpointFiles.Write(temp.Combine("permuted"), config, permuted, DType.F32);

        // Invariance, independent of the matcher: the permuted network computes the same logits.
        var expectedLogits = Logits(temp.Combine("reference"));
        var permutedLogits = Logits(temp.Combine("permuted"));
        Assert.Equal(expectedLogits.Length, permutedLogits.Length);
        for (var i = 0; i < expectedLogits.Length; i++)
        {
            if (!(Math.Abs(expectedLogits[i] - permutedLogits[i]) <= 1e-4f * Math.Max(1, Math.Abs(expectedLogits[i]))))
            {
                Assert.Fail($"logit {i}: {expectedLogits[i]} vs {permutedLogits[i]}");
            }
        }

        using var referenceCheckpoint = CheckpointFolder.Open(temp.Combine("reference"));
        using var permutedCheckpoint = CheckpointFolder.Open(temp.Combine("permuted"));
        var referenceTensors = new CheckpointAlignmentTensors(referenceCheckpoint, cache: true);
        var spec = PermutationSpecs.Resolve(permutedCheckpoint.Config, referenceTensors.Shapes, specFile: null, "permuted");
        var result = WeightMatcher.Match(referenceTensors, new CheckpointAlignmentTensors(permutedCheckpoint, cache: true), spec, new WeightMatchingOptions(Seed: 1), cancellation);

        Assert.True(result.Converged);
        foreach (var (group, permutation) in applied)
        {
            Assert.Equal(ReferencePermutation.Inverse(permutation), result.Permutations[group]);
            Assert.Equal(permutation.Where((from, to) => from != to).Count(), result.Groups.Single(g => g.Group == group).UnitsMoved);
        }

        PermutedCheckpointWriter.Write(permutedCheckpoint, new PermutedTensorMap(spec, result.Permutations), temp.Combine("aligned"), cancellation);
        var expected = CheckpointFiles.StoredBytes(temp.Combine("reference"));
        var aligned = CheckpointFiles.StoredBytes(temp.Combine("aligned"));
        foreach (var (name, bytes) in expected)
        {
            Assert.True(bytes.AsSpan().SequenceEqual(aligned[name]), $"tensor '{name}' differs after alignment");
        }
    }

    private float[] Logits(string folder)
    {
        var dataset = mnist.Dataset;
        var indices = dataset.Indices(DatasetSplit.HeldOut).Take(200).ToArray();
        var pixels = new float[indices.Length * dataset.SampleSize];
        for (var s = 0; s < indices.Length; s++)
        {
            var image = dataset.Image(indices[s]);
            for (var p = 0; p < image.Length; p++)
            {
                pixels[(s * dataset.SampleSize) + p] = image[p] / 255f;
            }
        }

        using var network = ClassifierCheckpoint.Load(folder);
        network.eval();
        using var noGrad = no_grad();
        using var inputs = tensor(pixels, [indices.Length, dataset.SampleSize]);
        using var logits = network.call(inputs);
        return logits.data<float>().ToArray();
    }
}
