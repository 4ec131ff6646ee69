using System.Text.Json.Nodes;
using FusionCluster.Core.Formats;
using FusionCluster.Evaluation.Models;

namespace FusionCluster.Evaluation.Tests.Models;

public sealed class ClassifierConfigTests
{
    [Fact]
    public void An_mlp_has_one_numbered_layer_per_linear_layer()
    {
        var config = new ClassifierConfig { Architecture = ClassifierArchitecture.Mlp, Channels = 1, Height = 28, Width = 28, HiddenSizes = [128], NumLabels = 10 };

        Assert.Equal(["layers.0.weight [128, 784]", "layers.0.bias [128]", "layers.1.weight [10, 128]", "layers.1.bias [10]"], Describe(config));
    }

    [Fact]
    public void A_cnn_pools_28_to_7_before_its_linear_layers()
    {
        // 28 -> 14 -> 7 after two 2x2 pools; 16 channels of 7x7 = 784 features.
        var config = new ClassifierConfig { Architecture = ClassifierArchitecture.Cnn, Channels = 1, Height = 28, Width = 28, ConvChannels = [8, 16], HiddenSizes = [32], NumLabels = 10 };

        Assert.Equal(784, config.FlattenedFeatures);
        Assert.Equal(
            [
                "layers.0.weight [8, 1, 3, 3]", "layers.0.bias [8]",
                "layers.1.weight [16, 8, 3, 3]", "layers.1.bias [16]",
                "layers.2.weight [32, 784]", "layers.2.bias [32]",
                "layers.3.weight [10, 32]", "layers.3.bias [10]",
            ],
            Describe(config));
    }

    [Fact]
    public void Json_round_trips_and_names_the_architecture_hugging_face_style()
    {
        var config = new ClassifierConfig { Architecture = ClassifierArchitecture.Cnn, Channels = 1, Height = 28, Width = 28, ConvChannels = [4], HiddenSizes = [], NumLabels = 10 };

        var json = config.ToJson();
        var read = ClassifierConfig.FromJson(JsonNode.Parse(json.ToJsonString())!.AsObject(), "config.json");

        Assert.Equal("FusionMnistCnn", json["architectures"]![0]!.GetValue<string>());
        Assert.Equal("fusion-mnist-cnn", json["model_type"]!.GetValue<string>());
        Assert.Equal("float32", json["torch_dtype"]!.GetValue<string>());
        Assert.Equal(Describe(config), Describe(read));
        Assert.Equal(config.Architecture, read.Architecture);
    }

    [Theory]
    [InlineData("""{"model_type": "llama"}""", "model_type 'llama' is not a classifier")]
    [InlineData("""{"model_type": "fusion-mnist-mlp", "num_labels": 10}""", "missing \"input_shape\"")]
    [InlineData("""{"model_type": "fusion-mnist-mlp", "input_shape": [28, 28], "num_labels": 10}""", "input_shape must be [channels, height, width]")]
    [InlineData("""{"model_type": "fusion-mnist-mlp", "input_shape": [1, 28, 28], "hidden_sizes": [0], "num_labels": 10}""", "\"hidden_sizes\" must hold positive integers")]
    [InlineData("""{"model_type": "fusion-mnist-mlp", "input_shape": [1, 28, 28], "hidden_sizes": "wide", "num_labels": 10}""", "\"hidden_sizes\" must be an array")]
    [InlineData("""{"model_type": "fusion-mnist-cnn", "input_shape": [1, 28, 28], "num_labels": 10}""", "conv_channels must list at least one")]
    [InlineData("""{"model_type": "fusion-mnist-cnn", "input_shape": [1, 4, 4], "conv_channels": [2, 2, 2], "num_labels": 10}""", "3 pooling steps leave nothing")]
    [InlineData("""{"model_type": "fusion-mnist-cnn", "input_shape": [1, 28, 28], "conv_channels": [2, 2, 2, 2, 2], "num_labels": 10}""", "5 pooling steps leave nothing of a 28x28 input")]
    [InlineData("""{"model_type": "fusion-mnist-cnn", "input_shape": [1, 28, 28], "conv_channels": [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], "num_labels": 10}""", "33 pooling steps leave nothing")]
    [InlineData("""{"model_type": "fusion-mnist-mlp", "input_shape": [1, 2, 2], "hidden_sizes": [3], "num_labels": 2, "zip_layers": 2, "branches": 2}""", "\"zip_layers\" must be in 0..1")]
    [InlineData("""{"model_type": "fusion-mnist-mlp", "input_shape": [1, 2, 2], "hidden_sizes": [3], "num_labels": 2, "zip_layers": -1, "branches": 2}""", "\"zip_layers\" must be in 0..1")]
    [InlineData("""{"model_type": "fusion-mnist-mlp", "input_shape": [1, 2, 2], "hidden_sizes": [3], "num_labels": 2, "zip_layers": 1}""", "only \"zip_layers\" is given")]
    [InlineData("""{"model_type": "fusion-mnist-mlp", "input_shape": [1, 2, 2], "hidden_sizes": [3], "num_labels": 2, "zip_layers": 1, "branches": 3}""", "\"branches\" must be 2")]
    public void Bad_configs_are_refused_naming_the_file_and_key(string json, string expected)
    {
        var error = Assert.Throws<CheckpointException>(() => ClassifierConfig.FromJson(JsonNode.Parse(json)!.AsObject(), "/models/x/config.json"));

        Assert.StartsWith("/models/x/config.json: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_partially_zipped_mlp_shares_its_first_layers_and_gives_each_branch_the_rest()
    {
        var config = new ClassifierConfig { Architecture = ClassifierArchitecture.Mlp, Channels = 1, Height = 2, Width = 2, HiddenSizes = [3, 5], NumLabels = 2, ZipLayers = 1 };

        var read = ClassifierConfig.FromJson(JsonNode.Parse(config.ToJson().ToJsonString())!.AsObject(), "config.json");

        List<string> expected =
        [
            "layers.0.weight [3, 4]", "layers.0.bias [3]",
            "branches.0.layers.0.weight [5, 3]", "branches.0.layers.0.bias [5]", "branches.0.layers.1.weight [2, 5]", "branches.0.layers.1.bias [2]",
            "branches.1.layers.0.weight [5, 3]", "branches.1.layers.0.bias [5]", "branches.1.layers.1.weight [2, 5]", "branches.1.layers.1.bias [2]",
        ];
        Assert.Equal(expected, Describe(config));
        Assert.Equal(expected, Describe(read));
        Assert.Equal(1, read.ZipLayers);
        Assert.Equal(2, config.ToJson()["branches"]!.GetValue<int>());
    }

    private static List<string> Describe(ClassifierConfig config) =>
        config.TensorShapes().Select(t => $"{t.Name} [{string.Join(", ", t.Shape)}]").ToList();
}
