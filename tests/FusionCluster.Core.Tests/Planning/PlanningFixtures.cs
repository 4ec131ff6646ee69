using System.Text.Json.Nodes;
using FusionCluster.Core.Planning;
using FusionCluster.Core.Specs;
using FusionCluster.Core.Tensors;

namespace FusionCluster.Core.Tests.Planning;

/// <summary>In-memory checkpoints (headers only) in the Llama and GPT-2 naming schemes, for planner tests.</summary>
internal static class PlanningFixtures
{
    public const int Hidden = 8;
    public const int Vocab = 32;

    public static readonly string[] LlamaLayerSuffixes =
    [
        "input_layernorm.weight",
        "self_attn.q_proj.weight",
    ];

    /// <summary>Header map of a Llama-style model, in checkpoint order.</summary>
    public static Dictionary<string, TensorHeader> LlamaTensors(int layers, int vocab = Vocab, bool withHead = true, DType dtype = DType.F32)
    {
        var tensors = new Dictionary<string, TensorHeader>(StringComparer.Ordinal)
        {
            ["model.embed_tokens.weight"] = new(dtype, [vocab, Hidden]),
        };
        for (var i = 0; i < layers; i++)
        {
            tensors[$"model.layers.{i}.self_attn.q_proj.weight"] = new(dtype, [Hidden, Hidden]);
            tensors[$"model.layers.{i}.input_layernorm.weight"] = new(dtype, [Hidden]);
        }

        tensors["model.norm.weight"] = new(dtype, [Hidden]);
        if (withHead)
        {
            tensors["lm_head.weight"] = new(dtype, [vocab, Hidden]);
        }

        return tensors;
    }

    public static JsonObject LlamaConfig(int layers, int vocab = Vocab, bool tied = false) => new()
    {
        ["model_type"] = "llama",
        ["num_hidden_layers"] = layers,
        ["vocab_size"] = vocab,
        ["hidden_size"] = Hidden,
        ["tie_word_embeddings"] = tied,
    };

    public static ModelInfo Llama(string reference, int layers, int vocab = Vocab, bool withHead = true, DType dtype = DType.F32) =>
        new(reference, $"/models/{reference}", LlamaConfig(layers, vocab, tied: !withHead), LlamaTensors(layers, vocab, withHead, dtype));

    public static ModelInfo FromTensors(string reference, Dictionary<string, TensorHeader> tensors, JsonObject? config) =>
        new(reference, $"/models/{reference}", config, tensors);

    public static Dictionary<string, ModelInfo> Models(params ModelInfo[] models) =>
        models.ToDictionary(m => m.Reference, StringComparer.Ordinal);

    public static MergePlan Plan(string yaml, IReadOnlyDictionary<string, ModelInfo> models, PlanOptions? options = null) =>
        MergePlanner.Plan(MergeSpecParser.Parse(yaml, "test.yaml"), models, options);

    public static IEnumerable<TensorPlan> AllTensors(MergePlan plan) => plan.Units.SelectMany(u => u.Tensors);

    public static TensorPlan Tensor(MergePlan plan, string name) => AllTensors(plan).Single(t => t.Name == name);

    public const string LinearOfThree = """
        merge_method: linear
        models:
          - model: a
            parameters:
              weight: 1.0
          - model: b
            parameters:
              weight: 2.0
          - model: c
            parameters:
              weight: 3.0
        """;
}
