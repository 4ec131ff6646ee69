using System.Numerics;
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
/// A partially zipped classifier (ZipIt!, <c>zip_layers: k</c>) adds <c>"zip_layers": k, "branches": 2</c>: its
/// first k layers are shared (<c>layers.&lt;i&gt;.*</c>, i &lt; k) and each branch holds one model's remaining
/// layers, reading the shared features through that model's unmerge (<c>branches.&lt;b&gt;.layers.&lt;j&gt;.*</c>,
/// j = i − k counting from the first unshared layer); the logits are the mean of the branches', as gstoica27/ZipIt
/// averages its partially zipped models' heads.
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

    /// <summary>Partial ZipIt!: how many layers the two branches share; null for an ordinary classifier.</summary>
    public int? ZipLayers { get; init; }

    /// <summary>The branches after the shared layers: 2 when partially zipped, else 1.</summary>
    public int Branches => ZipLayers is null ? 1 : 2;

    /// <summary>Layers of the unzipped classifier: convolutions, hidden linear layers and the output layer.</summary>
    public int LayerCount => ConvChannels.Count + HiddenSizes.Count + 1;

    /// <summary>Layers the branches share: all of them for an ordinary classifier.</summary>
    public int SharedLayers => ZipLayers ?? LayerCount;

    /// <summary>The tensor-name prefix of layer <paramref name="layer"/> (of the unzipped classifier) in <paramref name="branch"/>.</summary>
    public string LayerPrefix(int layer, int branch) =>
        layer < SharedLayers ? $"layers.{layer}" : $"branches.{branch}.layers.{layer - SharedLayers}";

    public string ModelType => Architecture == ClassifierArchitecture.Mlp ? MlpModelType : CnnModelType;

    public string ArchitectureName => Architecture == ClassifierArchitecture.Mlp ? MlpArchitectureName : CnnArchitectureName;

    public int InputSize => Channels * Height * Width;

    /// <summary>
    /// The most convolutions an image of this size takes: each is followed by a 2x2 max-pool, which halves both sides
    /// rounding down, and a side must stay at least 1 (28x28: 4, leaving 1x1).
    /// </summary>
    public static int MaxConvolutions(int height, int width) => BitOperations.Log2((uint)Math.Min(height, width));

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

    /// <summary>Every tensor of a checkpoint of this config, in file order: the shared layers, then each branch's.</summary>
    public IReadOnlyList<(string Name, long[] Shape)> TensorShapes()
    {
        var layers = LayerShapes();
        var shapes = new List<(string, long[])>();
        for (var branch = 0; branch < Branches; branch++)
        {
            for (var layer = branch == 0 ? 0 : SharedLayers; layer < layers.Count; layer++)
            {
                var prefix = LayerPrefix(layer, branch);
                shapes.Add(($"{prefix}.weight", layers[layer].Weight));
                shapes.Add(($"{prefix}.bias", layers[layer].Bias));
            }
        }

        return shapes;
    }

    /// <summary>Weight and bias shapes of each layer of the unzipped classifier (a branch keeps its model's widths).</summary>
    private List<(long[] Weight, long[] Bias)> LayerShapes()
    {
        var shapes = new List<(long[], long[])>();
        var channels = Channels;
        foreach (var outChannels in ConvChannels)
        {
            shapes.Add(([outChannels, channels, KernelSize, KernelSize], [outChannels]));
            channels = outChannels;
        }

        var features = FlattenedFeatures;
        foreach (var width in HiddenSizes.Append(NumLabels))
        {
            shapes.Add(([width, features], [width]));
            features = width;
        }

        return shapes;
    }

    public JsonObject ToJson()
    {
        var json = new JsonObject
        {
        ["architectures"] = new JsonArray(ArchitectureName),
        ["model_type"] = ModelType,
        ["input_shape"] = new JsonArray(Channels, Height, Width),
        ["conv_channels"] = new JsonArray(ConvChannels.Select(c => (JsonNode)c).ToArray()),
        ["hidden_sizes"] = new JsonArray(HiddenSizes.Select(h => (JsonNode)h).ToArray()),
        ["num_labels"] = NumLabels,
        ["torch_dtype"] = "float32",
        };
        if (ZipLayers is { } zipped)
        {
            json["zip_layers"] = zipped;
            json["branches"] = Branches;
        }

        return json;
    }

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
        config = config with { ZipLayers = ReadZipLayers(json, path, config.LayerCount) };
        // Not a shift test: C# takes an int's shift count modulo 32, so 33 convolutions passed it.
        if (config.ConvChannels.Count > MaxConvolutions(config.Height, config.Width))
        {
            throw new CheckpointException($"{path}: {config.ConvChannels.Count} pooling steps leave nothing of a {config.Height}x{config.Width} input");
        }

        return config;
    }

    /// <summary>zip_layers and branches come together: k shared layers of the LayerCount, then two branches.</summary>
    private static int? ReadZipLayers(JsonObject json, string path, int layerCount)
    {
        var zip = json["zip_layers"];
        var branches = json["branches"];
        if (zip is null && branches is null)
        {
            return null;
        }

        if (zip is null || branches is null)
        {
            throw new CheckpointException($"{path}: a partially zipped classifier has both \"zip_layers\" and \"branches\"; only \"{(zip is null ? "branches" : "zip_layers")}\" is given");
        }

        int k, count;
        try
        {
            k = zip.GetValue<int>();
            count = branches.GetValue<int>();
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            throw new CheckpointException($"{path}: \"zip_layers\" and \"branches\" must be integers, got {zip.ToJsonString()} and {branches.ToJsonString()}", e);
        }

        if (count != 2)
        {
            throw new CheckpointException($"{path}: \"branches\" must be 2 (one per zipped model), got {count}");
        }

        if (k < 0 || k >= layerCount)
        {
            throw new CheckpointException($"{path}: \"zip_layers\" must be in 0..{layerCount - 1} (the output layer is each branch's own), got {k}");
        }

        return k;
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
