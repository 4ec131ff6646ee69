using System.Globalization;
using System.Text.Json.Nodes;

namespace FusionCluster.Language.Models;

/// <summary>
/// The parts of a Hugging Face config.json that a Llama-family decoder (llama, mistral, qwen2) needs, with
/// transformers' defaults for keys a checkpoint may leave out. Sizes that have no sensible default
/// (hidden_size, layers, heads, vocabulary) are required.
/// </summary>
public sealed record LanguageModelConfig
{
    public static readonly IReadOnlyList<string> SupportedModelTypes = ["llama", "mistral", "qwen2"];

    public required string ModelType { get; init; }

    public required int HiddenSize { get; init; }

    public required int IntermediateSize { get; init; }

    public required int NumHiddenLayers { get; init; }

    public required int NumAttentionHeads { get; init; }

    public required int NumKeyValueHeads { get; init; }

    public required int HeadDim { get; init; }

    public required int VocabSize { get; init; }

    public double RmsNormEps { get; init; } = 1e-6;

    public double RopeTheta { get; init; } = 10000;

    public RopeScaling? RopeScaling { get; init; }

    public bool TieWordEmbeddings { get; init; }

    public int MaxPositionEmbeddings { get; init; } = 2048;

    /// <summary>Biases on q/k/v/o (llama's attention_bias); qwen2 has them on q, k and v only.</summary>
    public bool AttentionBias { get; init; }

    /// <summary>Whether o_proj has a bias (only with llama's attention_bias).</summary>
    public bool OutputProjectionBias { get; init; }

    public bool MlpBias { get; init; }

    /// <summary>Mistral's sliding attention window: a token sees at most this many positions back, itself included.</summary>
    public int? SlidingWindow { get; init; }

    public int? BosTokenId { get; init; }

    public IReadOnlyList<int> EosTokenIds { get; init; } = [];

    /// <summary>Reads a config.json; <paramref name="path"/> names the file in errors.</summary>
    public static LanguageModelConfig FromJson(JsonObject? json, string path)
    {
        if (json is null)
        {
            throw new LanguageModelException($"{path}: missing config.json");
        }

        var modelType = json["model_type"]?.GetValueKind() == System.Text.Json.JsonValueKind.String ? json["model_type"]!.GetValue<string>() : null;
        if (modelType is null || !SupportedModelTypes.Contains(modelType))
        {
            throw new LanguageModelException($"{path}: model_type '{modelType ?? "(none)"}' is not supported; expected one of {string.Join(", ", SupportedModelTypes)}");
        }

        var activation = OptionalString(json, "hidden_act", path) ?? "silu";
        if (activation != "silu")
        {
            throw new LanguageModelException($"{path}: hidden_act '{activation}' is not supported; expected silu");
        }

        if (modelType == "qwen2" && OptionalBool(json, "use_sliding_window", path) == true)
        {
            throw new LanguageModelException($"{path}: use_sliding_window true is not supported for qwen2");
        }

        // Every size is a tensor dimension or a divisor: zero would make empty weights or divide by zero (head_dim from
        // hidden_size / num_attention_heads), so each must be positive, and the error names the key.
        var hidden = RequiredPositiveInt(json, "hidden_size", path);
        var heads = RequiredPositiveInt(json, "num_attention_heads", path);
        var kvHeads = OptionalPositiveInt(json, "num_key_value_heads", path) ?? heads;
        var headDim = OptionalPositiveInt(json, "head_dim", path) ?? (hidden % heads == 0 ? hidden / heads : throw new LanguageModelException($"{path}: hidden_size {hidden} is not a multiple of num_attention_heads {heads} and there is no head_dim"));
        if (heads % kvHeads != 0)
        {
            throw new LanguageModelException($"{path}: num_attention_heads {heads} is not a multiple of num_key_value_heads {kvHeads}");
        }

        if (headDim % 2 != 0)
        {
            throw new LanguageModelException($"{path}: head_dim {headDim} is odd; rotary embeddings need an even one");
        }

        var llamaBias = modelType == "llama" && OptionalBool(json, "attention_bias", path) == true;
        return new LanguageModelConfig
        {
            ModelType = modelType,
            HiddenSize = hidden,
            IntermediateSize = RequiredPositiveInt(json, "intermediate_size", path),
            NumHiddenLayers = RequiredPositiveInt(json, "num_hidden_layers", path),
            NumAttentionHeads = heads,
            NumKeyValueHeads = kvHeads,
            HeadDim = headDim,
            VocabSize = RequiredPositiveInt(json, "vocab_size", path),
            RmsNormEps = OptionalDouble(json, "rms_norm_eps", path) ?? 1e-6,
            RopeTheta = OptionalPositiveDouble(json, "rope_theta", path) ?? 10000,
            RopeScaling = ReadRopeScaling(json, path),
            TieWordEmbeddings = OptionalBool(json, "tie_word_embeddings", path) ?? false,
            MaxPositionEmbeddings = OptionalPositiveInt(json, "max_position_embeddings", path) ?? 2048,
            AttentionBias = llamaBias || modelType == "qwen2",
            OutputProjectionBias = llamaBias,
            MlpBias = modelType == "llama" && OptionalBool(json, "mlp_bias", path) == true,
            SlidingWindow = modelType == "mistral" ? OptionalPositiveInt(json, "sliding_window", path) : null,
            BosTokenId = OptionalInt(json, "bos_token_id", path),
            EosTokenIds = ReadTokenIds(json, "eos_token_id", path),
        };
    }

    /// <summary>A llama config.json for this configuration (what the trainer writes).</summary>
    public JsonObject ToJson()
    {
        var json = new JsonObject
        {
            ["architectures"] = new JsonArray("LlamaForCausalLM"),
            ["model_type"] = "llama",
            ["hidden_act"] = "silu",
            ["hidden_size"] = HiddenSize,
            ["intermediate_size"] = IntermediateSize,
            ["num_hidden_layers"] = NumHiddenLayers,
            ["num_attention_heads"] = NumAttentionHeads,
            ["num_key_value_heads"] = NumKeyValueHeads,
            ["head_dim"] = HeadDim,
            ["vocab_size"] = VocabSize,
            ["rms_norm_eps"] = RmsNormEps,
            ["rope_theta"] = RopeTheta,
            ["rope_scaling"] = null,
            ["tie_word_embeddings"] = TieWordEmbeddings,
            ["max_position_embeddings"] = MaxPositionEmbeddings,
            ["attention_bias"] = false,
            ["mlp_bias"] = false,
            ["initializer_range"] = 0.02,
            ["torch_dtype"] = "float32",
        };
        if (BosTokenId is { } bos)
        {
            json["bos_token_id"] = bos;
        }

        if (EosTokenIds.Count > 0)
        {
            json["eos_token_id"] = EosTokenIds[0];
        }

        return json;
    }

    private static RopeScaling? ReadRopeScaling(JsonObject json, string path)
    {
        if (json["rope_scaling"] is not JsonObject scaling)
        {
            return json["rope_scaling"] is null ? null : throw new LanguageModelException($"{path}: rope_scaling must be an object or null");
        }

        // Older configs call it "type"; newer ones "rope_type".
        var type = OptionalString(scaling, "rope_type", path) ?? OptionalString(scaling, "type", path) ?? "default";
        var where = $"{path}: rope_scaling";
        return type switch
        {
            "default" => null,
            RopeScaling.Linear => new RopeScaling(type, RequiredDouble(scaling, "factor", where)),
            RopeScaling.Llama3 => new RopeScaling(
                type,
                RequiredDouble(scaling, "factor", where),
                RequiredDouble(scaling, "low_freq_factor", where),
                RequiredDouble(scaling, "high_freq_factor", where),
                RequiredPositiveInt(scaling, "original_max_position_embeddings", where)),
            _ => throw new LanguageModelException($"{where}: rope_type '{type}' is not supported; expected default, linear or llama3"),
        };
    }

    private static IReadOnlyList<int> ReadTokenIds(JsonObject json, string key, string path) => json[key] switch
    {
        null => [],
        JsonArray array => array.Select(item => item is JsonValue v && v.TryGetValue<int>(out var id) ? id : throw new LanguageModelException($"{path}: {key} must be an integer or a list of integers")).ToList(),
        _ => [OptionalInt(json, key, path)!.Value],
    };

    private static int RequiredInt(JsonObject json, string key, string path) =>
        OptionalInt(json, key, path) ?? throw new LanguageModelException($"{path}: missing '{key}'");

    private static int RequiredPositiveInt(JsonObject json, string key, string path) =>
        OptionalPositiveInt(json, key, path) ?? throw new LanguageModelException($"{path}: missing '{key}'");

    private static int? OptionalPositiveInt(JsonObject json, string key, string path)
    {
        var value = OptionalInt(json, key, path);
        return value is null or > 0 ? value : throw new LanguageModelException($"{path}: '{key}' must be a positive integer, not {value}");
    }

    private static double? OptionalPositiveDouble(JsonObject json, string key, string path)
    {
        var value = OptionalDouble(json, key, path);
        return value is null or > 0 ? value : throw new LanguageModelException(string.Create(CultureInfo.InvariantCulture, $"{path}: '{key}' must be positive, not {value}"));
    }

    private static int? OptionalInt(JsonObject json, string key, string path)
    {
        var node = json[key];
        if (node is null)
        {
            return null;
        }

        if (node is JsonValue value && value.TryGetValue<double>(out var number) && number == Math.Floor(number) && number is >= 0 and <= int.MaxValue)
        {
            return (int)number;
        }

        throw new LanguageModelException($"{path}: '{key}' must be a non-negative integer, not {node.ToJsonString()}");
    }

    private static double RequiredDouble(JsonObject json, string key, string path) =>
        OptionalDouble(json, key, path) ?? throw new LanguageModelException($"{path}: missing '{key}'");

    private static double? OptionalDouble(JsonObject json, string key, string path)
    {
        var node = json[key];
        if (node is null)
        {
            return null;
        }

        return node is JsonValue value && value.TryGetValue<double>(out var number) && double.IsFinite(number)
            ? number
            : throw new LanguageModelException($"{path}: '{key}' must be a number, not {node.ToJsonString()}");
    }

    private static bool? OptionalBool(JsonObject json, string key, string path)
    {
        var node = json[key];
        if (node is null)
        {
            return null;
        }

        return node is JsonValue value && value.TryGetValue<bool>(out var flag)
            ? flag
            : throw new LanguageModelException($"{path}: '{key}' must be true or false, not {node.ToJsonString()}");
    }

    private static string? OptionalString(JsonObject json, string key, string path)
    {
        var node = json[key];
        if (node is null)
        {
            return null;
        }

        return node is JsonValue value && value.TryGetValue<string>(out var text)
            ? text
            : throw new LanguageModelException($"{path}: '{key}' must be a string, not {node.ToJsonString()}");
    }

    /// <summary>For messages: the size of a config in words.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{ModelType} {NumHiddenLayers} layers, hidden {HiddenSize}, ffn {IntermediateSize}, {NumAttentionHeads}/{NumKeyValueHeads} heads of {HeadDim}, vocab {VocabSize}");
}
