using System.Text.Json.Nodes;
using FusionCluster.Core.Formats;

namespace FusionCluster.Evaluation.Models;

/// <summary>
/// The config.json of a classifier checkpoint, in Hugging Face style so that the merge planner carries it
/// over to merged models unchanged:
/// <code>
/// {"architectures": ["FusionMnistMlp"], "model_type": "fusion-mnist-mlp", "input_shape": [1, 28, 28],
///  "conv_channels": [], "hidden_sizes": [128], "num_labels": 10, "torch_dtype": "float32"}
/// </code>
/// Its tensors are <c>layers.&lt;i&gt;.weight</c> and <c>layers.&lt;i&gt;.bias</c>: the convolutions first, then
/// the linear layers, the last of which produces the logits. Numbered blocks with the same suffixes are
/// what the planner recognises as layers, so each layer becomes one merge work unit.
/// Inputs are the pixel bytes divided by 255.
/// </summary>
public sealed record ClassifierConfig
{
    public const string MlpArchitectureName = "FusionMnistMlp";
    public const string CnnArchitectureName = "FusionMnistCnn";
    public const string MlpModelType = "fusion-mnist-mlp";
    public const string CnnModelType = "fusion-mnist-cnn";
    public const int KernelSize = 3;

    public required ClassifierArchitecture Architecture { get; init; }

    public required int Channels { get; init; }

    public required int Height { get; init; }

    public required int Width { get; init; }

    /// <summary>Output channels of each convolution (empty for an MLP).</summary>
    public IReadOnlyList<int> ConvChannels { get; init; } = [];

    /// <summary>Widths of the hidden fully connected layers (the output layer is not listed).</summary>
    public IReadOnlyList<int> HiddenSizes { get; init; } = [];

    public required int NumLabels { get; init; }

    public string ModelType => Architecture == ClassifierArchitecture.Mlp ? MlpModelType : CnnModelType;

    public string ArchitectureName => Architecture == ClassifierArchitecture.Mlp ? MlpArchitectureName : CnnArchitectureName;

    public int InputSize => Channels * Height * Width;

    /// <summary>Features entering the first linear layer: pixels for an MLP, the last feature map for a CNN.</summary>
    public int FlattenedFeatures
    {
        get
        {
            if (ConvChannels.Count == 0)
            {
                return InputSize;
            }

            // Each 2x2 max-pool halves height and width, rounding down as torch does.
            var height = Height >> ConvChannels.Count;
            var width = Width >> ConvChannels.Count;
            return ConvChannels[^1] * height * width;
        }
    }

    /// <summary>Every tensor of a checkpoint of this config, in file order.</summary>
    public IReadOnlyList<(string Name, long[] Shape)> TensorShapes()
    {
        var shapes = new List<(string, long[])>();
        var layer = 0;
        var channels = Channels;
        foreach (var outChannels in ConvChannels)
        {
            shapes.Add(($"layers.{layer}.weight", [outChannels, channels, KernelSize, KernelSize]));
            shapes.Add(($"layers.{layer}.bias", [outChannels]));
            channels = outChannels;
            layer++;
        }

        var features = FlattenedFeatures;
        foreach (var width in HiddenSizes.Append(NumLabels))
        {
            shapes.Add(($"layers.{layer}.weight", [width, features]));
            shapes.Add(($"layers.{layer}.bias", [width]));
            features = width;
            layer++;
        }

        return shapes;
    }

    public JsonObject ToJson() => new()
    {
        ["architectures"] = new JsonArray(ArchitectureName),
        ["model_type"] = ModelType,
        ["input_shape"] = new JsonArray(Channels, Height, Width),
        ["conv_channels"] = new JsonArray(ConvChannels.Select(c => (JsonNode)c).ToArray()),
        ["hidden_sizes"] = new JsonArray(HiddenSizes.Select(h => (JsonNode)h).ToArray()),
        ["num_labels"] = NumLabels,
        ["torch_dtype"] = "float32",
    };

    /// <summary>Reads a config.json; <paramref name="path"/> names the file in errors.</summary>
    public static ClassifierConfig FromJson(JsonObject? json, string path)
    {
        if (json is null)
        {
            throw new CheckpointException($"{path}: missing; a classifier checkpoint needs a config.json with model_type '{MlpModelType}' or '{CnnModelType}'");
        }

        var modelType = ReadString(json, "model_type", path);
        var architecture = modelType switch
        {
            MlpModelType => ClassifierArchitecture.Mlp,
            CnnModelType => ClassifierArchitecture.Cnn,
            _ => throw new CheckpointException($"{path}: model_type '{modelType}' is not a classifier this evaluator can run (expected '{MlpModelType}' or '{CnnModelType}')"),
        };
        var inputShape = ReadInts(json, "input_shape", path, required: true);
        if (inputShape.Count != 3)
        {
            throw new CheckpointException($"{path}: input_shape must be [channels, height, width], got {inputShape.Count} numbers");
        }

        var conv = ReadInts(json, "conv_channels", path, required: false);
        if (architecture == ClassifierArchitecture.Mlp && conv.Count > 0)
        {
            throw new CheckpointException($"{path}: conv_channels must be empty for model_type '{MlpModelType}'");
        }

        if (architecture == ClassifierArchitecture.Cnn && conv.Count == 0)
        {
            throw new CheckpointException($"{path}: conv_channels must list at least one convolution for model_type '{CnnModelType}'");
        }

        var config = new ClassifierConfig
        {
            Architecture = architecture,
            Channels = inputShape[0],
            Height = inputShape[1],
            Width = inputShape[2],
            ConvChannels = conv,
            HiddenSizes = ReadInts(json, "hidden_sizes", path, required: false),
            NumLabels = ReadInts(json, "num_labels", path, required: true, scalar: true)[0],
        };
        if (config.Height >> config.ConvChannels.Count == 0 || config.Width >> config.ConvChannels.Count == 0)
        {
            throw new CheckpointException($"{path}: {config.ConvChannels.Count} pooling steps leave nothing of a {config.Height}x{config.Width} input");
        }

        return config;
    }

    private static string ReadString(JsonObject json, string key, string path)
    {
        try
        {
            return json[key]?.GetValue<string>() ?? throw new CheckpointException($"{path}: missing \"{key}\"");
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            throw new CheckpointException($"{path}: \"{key}\" must be a string", e);
        }
    }

    private static List<int> ReadInts(JsonObject json, string key, string path, bool required, bool scalar = false)
    {
        var node = json[key];
        if (node is null)
        {
            return required ? throw new CheckpointException($"{path}: missing \"{key}\"") : [];
        }

        try
        {
            var values = scalar ? [node.GetValue<int>()] : node.AsArray().Select(v => v!.GetValue<int>()).ToList();
            if (values.Any(v => v <= 0))
            {
                throw new CheckpointException($"{path}: \"{key}\" must hold positive integers, got {node.ToJsonString()}");
            }

            return values;
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or NullReferenceException)
        {
            throw new CheckpointException($"{path}: \"{key}\" must be {(scalar ? "a positive integer" : "an array of positive integers")}, got {node.ToJsonString()}", e);
        }
    }
}
