using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FusionCluster.Core.Specs;

namespace FusionCluster.Core.Planning;

/// <summary>
/// Where a checkpoint keeps its repeated blocks. Detected from tensor names ("&lt;prefix&gt;&lt;i&gt;.&lt;suffix&gt;"
/// with the prefix that the most tensors share), which covers Llama, Mistral, Qwen2, Gemma, Phi
/// ("model.layers.") and GPT-2 ("transformer.h.") alike, and any unknown architecture that numbers its blocks.
/// </summary>
public sealed partial record ModelLayout(
    string Family,
    string LayerPrefix,
    int LayerCount,
    IReadOnlyList<string> LayerSuffixes,
    IReadOnlyList<string> PreWeights,
    IReadOnlyList<string> PostWeights)
{
    private static readonly string[] KnownFamilies = ["llama", "mistral", "qwen2", "gemma", "gemma2", "gemma3_text", "gpt2", "phi", "phi3"];

    private static readonly string[] LayerCountKeys = ["num_hidden_layers", "n_layer", "num_layers"];

    /// <summary>Input embeddings sit before the blocks; everything else outside the blocks (final norm, head) after.</summary>
    private static readonly string[] PreWeightMarkers = ["embed_tokens", "wte", "wpe", "word_embeddings", "position_embeddings", "embed_in"];

    private static readonly string[] EmbeddingMarkers = ["embed_tokens", "wte", "word_embeddings", "lm_head", "embed_out", "embed_in"];

    private static readonly string[] HeadNames = ["lm_head.weight", "embed_out.weight"];

    public static bool IsEmbedding(string tensorName) =>
        tensorName.EndsWith(".weight", StringComparison.Ordinal) && EmbeddingMarkers.Any(m => tensorName.Contains(m, StringComparison.Ordinal));

    public static bool IsHead(string tensorName) => HeadNames.Contains(tensorName);

    /// <summary>The name of the layer-i tensor with the given suffix.</summary>
    public string LayerTensor(int layer, string suffix) => $"{LayerPrefix}{layer}.{suffix}";

    /// <summary>The input embedding that a tied head falls back to, if the checkpoint has one.</summary>
    public string? TiedEmbedding => PreWeights.FirstOrDefault(n => n.Contains("embed_tokens", StringComparison.Ordinal) || n.Contains("wte", StringComparison.Ordinal) || n.Contains("embed_in", StringComparison.Ordinal));

    public static ModelLayout Detect(string model, IEnumerable<string> tensorNames, JsonObject? config)
    {
        var names = tensorNames.ToList();
        var byPrefix = new Dictionary<string, List<(int Index, string Suffix)>>(StringComparer.Ordinal);
        var outside = new List<string>();
        foreach (var name in names)
        {
            var match = LayerName().Match(name);
            if (match.Success)
            {
                var prefix = match.Groups["prefix"].Value;
                if (!byPrefix.TryGetValue(prefix, out var list))
                {
                    byPrefix[prefix] = list = [];
                }

                list.Add((int.Parse(match.Groups["index"].Value, System.Globalization.CultureInfo.InvariantCulture), match.Groups["suffix"].Value));
            }
            else
            {
                outside.Add(name);
            }
        }

        var family = config?["model_type"]?.GetValue<string>() is { } type && KnownFamilies.Contains(type) ? type : "inferred";
        if (byPrefix.Count == 0)
        {
            // No numbered blocks: a flat model (e.g. an MLP classifier); every tensor is its own pre-weight.
            return new ModelLayout(family, "", 0, [], names.Order(StringComparer.Ordinal).ToList(), []);
        }

        var (layerPrefix, layers) = byPrefix.OrderByDescending(p => p.Value.Count).ThenBy(p => p.Key, StringComparer.Ordinal).First();
        foreach (var (prefix, entries) in byPrefix)
        {
            if (prefix != layerPrefix)
            {
                outside.AddRange(entries.Select(e => $"{prefix}{e.Index}.{e.Suffix}"));
            }
        }

        var layerCount = layers.Max(l => l.Index) + 1;
        var suffixes = layers.Where(l => l.Index == 0).Select(l => l.Suffix).Order(StringComparer.Ordinal).ToList();
        for (var i = 0; i < layerCount; i++)
        {
            var present = layers.Where(l => l.Index == i).Select(l => l.Suffix).ToHashSet(StringComparer.Ordinal);
            if (!present.SetEquals(suffixes))
            {
                var missing = suffixes.Except(present).Concat(present.Except(suffixes)).First();
                throw new SpecException($"model '{model}': layer {i} does not have the same tensors as layer 0 (differs at '{layerPrefix}{i}.{missing}')");
            }
        }

        var configured = LayerCountKeys.Select(k => config?[k]).FirstOrDefault(v => v is not null);
        if (configured is not null && configured.GetValue<int>() != layerCount)
        {
            throw new SpecException($"model '{model}': config.json says {configured.GetValue<int>()} layers but the checkpoint has {layerCount} ('{layerPrefix}0' .. '{layerPrefix}{layerCount - 1}')");
        }

        var pre = outside.Where(n => PreWeightMarkers.Any(m => n.Contains(m, StringComparison.Ordinal))).Order(StringComparer.Ordinal).ToList();
        var post = outside.Except(pre).Order(StringComparer.Ordinal).ToList();
        return new ModelLayout(family, layerPrefix, layerCount, suffixes, pre, post);
    }

    [GeneratedRegex(@"^(?<prefix>.+?\.)(?<index>\d+)\.(?<suffix>.+)$")]
    private static partial Regex LayerName();
}
