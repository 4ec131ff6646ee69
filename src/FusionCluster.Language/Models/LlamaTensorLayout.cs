using System.Globalization;

namespace FusionCluster.Language.Models;

/// <summary>
/// The tensors (Hugging Face names and shapes, in <see cref="LlamaForCausalLM"/>'s parameter order) that a config
/// implies, computed from the config alone. Checking a checkpoint against this instead of a built module means a
/// config.json claiming 2,000,000,000 layers fails at its first missing tensor without creating a module per layer.
/// </summary>
internal static class LlamaTensorLayout
{
    private const string LayerPrefix = "model.layers.";

    /// <summary>Every tensor of a model with <paramref name="config"/>, lazily, so a caller can stop at the first problem.</summary>
    public static IEnumerable<(string Name, long[] Shape)> Tensors(LanguageModelConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        yield return ("model.embed_tokens.weight", [config.VocabSize, config.HiddenSize]);
        var layer = LayerTensors(config);
        for (var i = 0; i < config.NumHiddenLayers; i++)
        {
            foreach (var (suffix, shape) in layer)
            {
                yield return (string.Create(CultureInfo.InvariantCulture, $"{LayerPrefix}{i}.{suffix}"), [.. shape]);
            }
        }

        yield return ("model.norm.weight", [config.HiddenSize]);
        if (!config.TieWordEmbeddings)
        {
            yield return ("lm_head.weight", [config.VocabSize, config.HiddenSize]);
        }
    }

    /// <summary>Whether <paramref name="name"/> is one of <see cref="Tensors"/>, without listing them all.</summary>
    public static bool Contains(LanguageModelConfig config, string name)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(name);
        switch (name)
        {
            case "model.embed_tokens.weight" or "model.norm.weight":
                return true;
            case "lm_head.weight":
                return !config.TieWordEmbeddings;
        }

        if (!name.StartsWith(LayerPrefix, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = name.AsSpan(LayerPrefix.Length);
        var dot = rest.IndexOf('.');

        // The index must be written as the module writes it ("01" is not layer 1).
        return dot > 0
            && int.TryParse(rest[..dot], NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            && index < config.NumHiddenLayers
            && rest[..dot].SequenceEqual(index.ToString(CultureInfo.InvariantCulture))
            && LayerTensors(config).Exists(t => t.Suffix == name[(LayerPrefix.Length + dot + 1)..]);
    }

    /// <summary>One decoder block's tensors, in the order its submodules register them.</summary>
    private static List<(string Suffix, long[] Shape)> LayerTensors(LanguageModelConfig config)
    {
        long hidden = config.HiddenSize;
        long ffn = config.IntermediateSize;
        var queryWidth = (long)config.NumAttentionHeads * config.HeadDim;
        var keyValueWidth = (long)config.NumKeyValueHeads * config.HeadDim;
        var tensors = new List<(string Suffix, long[] Shape)> { ("input_layernorm.weight", [hidden]) };
        void Linear(string name, long inFeatures, long outFeatures, bool bias)
        {
            tensors.Add(($"{name}.weight", [outFeatures, inFeatures]));
            if (bias)
            {
                tensors.Add(($"{name}.bias", [outFeatures]));
            }
        }

        Linear("self_attn.q_proj", hidden, queryWidth, config.AttentionBias);
        Linear("self_attn.k_proj", hidden, keyValueWidth, config.AttentionBias);
        Linear("self_attn.v_proj", hidden, keyValueWidth, config.AttentionBias);
        Linear("self_attn.o_proj", queryWidth, hidden, config.OutputProjectionBias);
        tensors.Add(("post_attention_layernorm.weight", [hidden]));
        Linear("mlp.gate_proj", hidden, ffn, config.MlpBias);
        Linear("mlp.up_proj", hidden, ffn, config.MlpBias);
        Linear("mlp.down_proj", ffn, hidden, config.MlpBias);
        return tensors;
    }
}
