using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace FusionCluster.Alignment.Specs;

/// <summary>
/// The permutation spec of a llama-family checkpoint, from config.json and tensor names:
/// <list type="bullet">
/// <item>one group <c>residual</c> (hidden_size units) shared by the token embeddings, every projection's
/// input or output on the residual stream, both norms of every block, the final norm and the LM head.
/// RMSNorm's weight is per residual channel and RMSNorm commutes with a permutation of channels (its
/// mean of squares does not depend on their order), which is what makes permuting the stream exact;</item>
/// <item>per block <c>layers.N.mlp</c> (intermediate_size units): gate and up rows with down columns;</item>
/// <item>per block <c>layers.N.self_attn.heads</c> (num_key_value_heads units): each KV head's head_dim
/// rows of k and v, the rows of the num_attention_heads / num_key_value_heads query heads that share it
/// (grouped-query attention), and those heads' columns of o. Heads move whole, so rotary pairs inside a
/// head are never split.</item>
/// </list>
/// </summary>
public static partial class LlamaPermutationSpec
{
    public const string ResidualGroup = "residual";

    /// <summary>True when the tensor names look like a llama-family checkpoint.</summary>
    public static bool Recognises(IReadOnlyDictionary<string, long[]> shapes) =>
        shapes.ContainsKey("model.layers.0.self_attn.q_proj.weight") && shapes.ContainsKey("model.embed_tokens.weight");

    public static PermutationSpec Derive(JsonObject? config, IReadOnlyDictionary<string, long[]> shapes, string model)
    {
        if (config is null)
        {
            throw new AlignmentException($"{model}: a llama-family checkpoint needs config.json (hidden_size, intermediate_size, num_attention_heads) to derive its permutation spec");
        }

        var hidden = Required(config, "hidden_size", model);
        var intermediate = Required(config, "intermediate_size", model);
        var heads = Required(config, "num_attention_heads", model);
        var kvHeads = Optional(config, "num_key_value_heads", model) ?? heads;
        var headDim = Optional(config, "head_dim", model) ?? hidden / heads;
        if (heads % kvHeads != 0)
        {
            throw new AlignmentException($"{model}: config.json num_attention_heads {heads} is not a multiple of num_key_value_heads {kvHeads}");
        }

        var queriesPerKv = heads / kvHeads;
        var groups = new List<PermutationGroup> { new(ResidualGroup, hidden) };
        var tensors = new Dictionary<string, IReadOnlyList<PermutedAxis>>(StringComparer.Ordinal);
        var residual0 = new PermutedAxis(0, ResidualGroup);
        var residual1 = new PermutedAxis(1, ResidualGroup);
        var blocks = new SortedSet<int>();
        foreach (var name in shapes.Keys.Order(StringComparer.Ordinal))
        {
            if (name is "model.embed_tokens.weight" or "lm_head.weight")
            {
                tensors[name] = [residual1];
                continue;
            }

            if (name == "model.norm.weight")
            {
                tensors[name] = [residual0];
                continue;
            }

            var match = BlockTensor().Match(name);
            if (!match.Success)
            {
                throw new AlignmentException($"{model}: tensor '{name}' is not part of a llama-family layout this spec knows; pass a permutation spec file for this architecture");
            }

            var block = int.Parse(match.Groups["block"].Value, CultureInfo.InvariantCulture);
            var mlp = string.Create(CultureInfo.InvariantCulture, $"model.layers.{block}.mlp");
            var attention = string.Create(CultureInfo.InvariantCulture, $"model.layers.{block}.self_attn.heads");
            blocks.Add(block);
            var kv = new PermutedAxis(0, attention, headDim);
            var query = new PermutedAxis(0, attention, headDim * queriesPerKv);
            tensors[name] = match.Groups["part"].Value switch
            {
                "self_attn.q_proj.weight" => [query, residual1],
                "self_attn.q_proj.bias" => [query],
                "self_attn.k_proj.weight" or "self_attn.v_proj.weight" => [kv, residual1],
                "self_attn.k_proj.bias" or "self_attn.v_proj.bias" => [kv],
                "self_attn.o_proj.weight" => [residual0, new PermutedAxis(1, attention, headDim * queriesPerKv)],
                "self_attn.o_proj.bias" => [residual0],
                "mlp.gate_proj.weight" or "mlp.up_proj.weight" => [new PermutedAxis(0, mlp), residual1],
                "mlp.down_proj.weight" => [residual0, new PermutedAxis(1, mlp)],
                "input_layernorm.weight" or "post_attention_layernorm.weight" => [residual0],
                "self_attn.rotary_emb.inv_freq" => [],
                var part => throw new AlignmentException($"{model}: tensor '{name}': block part '{part}' is not one this spec knows; pass a permutation spec file for this architecture"),
            };
        }

        foreach (var block in blocks)
        {
            groups.Add(new PermutationGroup(string.Create(CultureInfo.InvariantCulture, $"model.layers.{block}.self_attn.heads"), kvHeads));
            groups.Add(new PermutationGroup(string.Create(CultureInfo.InvariantCulture, $"model.layers.{block}.mlp"), intermediate));
        }

        return new PermutationSpec(groups, tensors);
    }

    private static int Required(JsonObject config, string key, string model) =>
        Optional(config, key, model) ?? throw new AlignmentException($"{model}: config.json has no \"{key}\", which the llama permutation spec needs");

    private static int? Optional(JsonObject config, string key, string model)
    {
        var node = config[key];
        if (node is null)
        {
            return null;
        }

        try
        {
            var value = node.GetValue<int>();
            return value > 0 ? value : throw new AlignmentException($"{model}: config.json \"{key}\" must be positive, got {value}");
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            throw new AlignmentException($"{model}: config.json \"{key}\" must be a positive integer, got {node.ToJsonString()}", e);
        }
    }

    [GeneratedRegex(@"^model\.layers\.(?<block>\d+)\.(?<part>.+)$", RegexOptions.CultureInvariant)]
    private static partial Regex BlockTensor();
}
