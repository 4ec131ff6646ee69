using FusionCluster.Core.Formats;
using FusionCluster.Core.Planning;
using FusionCluster.Evaluation.Models;
using FusionCluster.Evaluation.Tests.Support;
using FusionCluster.Evaluation.Training;

namespace FusionCluster.Evaluation.Tests.Models;

[Collection(TorchCollection.Name)]
public sealed class ClassifierCheckpointTests
{
    private static readonly ClassifierConfig SmallCnn = new()
    {
        Architecture = ClassifierArchitecture.Cnn, Channels = 1, Height = 8, Width = 8, ConvChannels = [2], HiddenSizes = [5], NumLabels = 3,
    };

    [Fact]
    public void Saved_weights_are_the_network_parameters_as_float32_safetensors()
    {
        using var temp = new TempDirectory();
        using var network = ClassifierTrainer.CreateInitialized(SmallCnn, new DeterministicRandom(5));
        ClassifierCheckpoint.Save(temp.Path, network);

        var tensors = RawSafetensors.Read(temp.Combine("model.safetensors"));

        var parameters = network.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        Assert.Equal(SmallCnn.TensorShapes().Select(s => s.Name).Order(), tensors.Keys.Order());
        foreach (var (name, (shape, values)) in tensors)
        {
            Assert.Equal(parameters[name].shape, shape);
            Assert.Equal(parameters[name].data<float>().ToArray(), values);
        }

        // Default torch initialisation: every weight within 1/sqrt(fan_in); layer 0 has fan_in 1*3*3 = 9.
        Assert.All(tensors["layers.0.weight"].Values, v => Assert.InRange(Math.Abs(v), 0, 1.0 / 3));
        Assert.Contains("fusion-mnist-cnn", File.ReadAllText(temp.Combine("config.json")), StringComparison.Ordinal);
    }

    [Fact]
    public void Loading_restores_the_same_parameters()
    {
        using var temp = new TempDirectory();
        using var network = ClassifierTrainer.CreateInitialized(SmallCnn, new DeterministicRandom(5));
        ClassifierCheckpoint.Save(temp.Path, network);

        using var loaded = ClassifierCheckpoint.Load(temp.Path);

        var expected = network.named_parameters().ToDictionary(p => p.name, p => p.parameter.data<float>().ToArray());
        foreach (var (name, parameter) in loaded.named_parameters())
        {
            Assert.Equal(expected[name], parameter.data<float>().ToArray());
        }
    }

    [Fact]
    public void A_partially_zipped_checkpoint_round_trips_and_averages_its_branches_logits()
    {
        using var temp = new TempDirectory();
        var config = SmallCnn with { ZipLayers = 1 };
        using var network = ClassifierTrainer.CreateInitialized(config, new DeterministicRandom(7));
        ClassifierCheckpoint.Save(temp.Path, network);

        using var loaded = ClassifierCheckpoint.Load(temp.Path);

        var parameters = network.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        Assert.Equal(config.TensorShapes().Select(s => s.Name).Order(), RawSafetensors.Read(temp.Combine("model.safetensors")).Keys.Order());
        Assert.Equal(1, loaded.Config.ZipLayers);
        foreach (var (name, parameter) in loaded.named_parameters())
        {
            Assert.Equal(parameters[name].data<float>().ToArray(), parameter.data<float>().ToArray());
        }

        // Independently: the shared convolution, then each branch as an ordinary linear classifier, logits averaged.
        using var inputs = TorchSharp.torch.rand(4, 64, generator: new TorchSharp.torch.Generator(3));
        using var noGrad = TorchSharp.torch.no_grad();
        using var shared = TorchSharp.torch.nn.functional.max_pool2d(
            TorchSharp.torch.nn.functional.relu(TorchSharp.torch.nn.functional.conv2d(inputs.view(-1, 1, 8, 8), parameters["layers.0.weight"], parameters["layers.0.bias"], padding: [1])), 2).flatten(1);
        TorchSharp.torch.Tensor Branch(int b) => TorchSharp.torch.nn.functional.linear(
            TorchSharp.torch.nn.functional.relu(TorchSharp.torch.nn.functional.linear(shared, parameters[$"branches.{b}.layers.0.weight"], parameters[$"branches.{b}.layers.0.bias"])),
            parameters[$"branches.{b}.layers.1.weight"], parameters[$"branches.{b}.layers.1.bias"]);
        using var expected = (Branch(0) + Branch(1)) / 2;
        using var actual = loaded.forward(inputs);
        Assert.True(actual.allclose(expected, rtol: 1e-5, atol: 1e-6));
        Assert.NotEqual(parameters["branches.0.layers.1.weight"].data<float>().ToArray(), parameters["branches.1.layers.1.weight"].data<float>().ToArray());
    }

    [Fact]
    public void A_tensor_whose_shape_disagrees_with_the_config_is_refused_naming_it()
    {
        using var temp = new TempDirectory();
        TinyCheckpoint.LinearClassifier(temp.Path, 1, 2, 2, labels: 3, weight: new float[3 * 4], bias: new float[3]);
        RawSafetensors.Write(temp.Combine("model.safetensors"), ("layers.0.weight", [3, 5], new float[15]), ("layers.0.bias", [3], new float[3]));

        var error = Assert.Throws<CheckpointException>(() => ClassifierCheckpoint.Load(temp.Path));

        Assert.Contains("'layers.0.weight' has shape [3, 5]", error.Message, StringComparison.Ordinal);
        Assert.Contains("[3, 4]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_stray_tensor_is_refused_naming_it()
    {
        using var temp = new TempDirectory();
        TinyCheckpoint.LinearClassifier(temp.Path, 1, 2, 2, labels: 3, weight: new float[12], bias: new float[3]);
        RawSafetensors.Write(temp.Combine("model.safetensors"), ("layers.0.weight", [3, 4], new float[12]), ("layers.0.bias", [3], new float[3]), ("layers.1.weight", [1], [0f]));

        var error = Assert.Throws<CheckpointException>(() => ClassifierCheckpoint.Load(temp.Path));

        Assert.Contains("'layers.1.weight'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_merge_planner_sees_each_numbered_layer_as_a_block()
    {
        using var temp = new TempDirectory();
        using var network = ClassifierTrainer.CreateInitialized(SmallCnn, new DeterministicRandom(1));
        ClassifierCheckpoint.Save(temp.Path, network);
        using var checkpoint = CheckpointFolder.Open(temp.Path);

        var layout = ModelLayout.Detect("cnn", checkpoint.TensorNames, checkpoint.Config);

        // conv, hidden linear, output linear: three blocks with the same two suffixes, nothing outside them.
        Assert.Equal("layers.", layout.LayerPrefix);
        Assert.Equal(3, layout.LayerCount);
        Assert.Equal(["bias", "weight"], layout.LayerSuffixes);
        Assert.Empty(layout.PreWeights);
        Assert.Empty(layout.PostWeights);
    }
}
