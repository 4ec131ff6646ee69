using System.Text.Json.Nodes;

namespace FusionCluster.Alignment.Tests.Support;

/// <summary>A llama-shaped model with random weights, and a randomly permuted copy of it made by <see cref="ReferencePermutation"/>.</summary>
internal sealed record SyntheticLlama(int Hidden, int Ffn, int Heads, int KvHeads, int HeadDim, int Blocks, int Vocab)
{
    public JsonObject Config() => new()
    {
        ["architectures"] = new JsonArray("LlamaForCausalLM"),
        ["model_type"] = "llama",
        ["hidden_size"] = Hidden,
        ["intermediate_size"] = Ffn,
        ["num_attention_heads"] = Heads,
        ["num_key_value_heads"] = KvHeads,
        ["head_dim"] = HeadDim,
        ["num_hidden_layers"] = Blocks,
        ["vocab_size"] = Vocab,
    };

    public Dictionary<string, (long[] Shape, float[] Values)> RandomWeights(int seed)
    {
        var random = new Random(seed);
        var tensors = new Dictionary<string, (long[], float[])>(StringComparer.Ordinal);
        void Add(string name, long[] shape, bool norm = false)
        {
            var values = new float[shape.Aggregate(1L, (a, b) => a * b)];
            for (var i = 0; i < values.Length; i++)
            {
                var noise = (float)((random.NextDouble() * 2) - 1);
                values[i] = norm ? 1 + (0.1f * noise) : 0.02f * noise;
            }

            tensors[name] = (shape, values);
        }

        Add("model.embed_tokens.weight", [Vocab, Hidden]);
        for (var b = 0; b < Blocks; b++)
        {
            var p = $"model.layers.{b}.";
            Add(p + "input_layernorm.weight", [Hidden], norm: true);
            Add(p + "self_attn.q_proj.weight", [Heads * HeadDim, Hidden]);
            Add(p + "self_attn.k_proj.weight", [KvHeads * HeadDim, Hidden]);
            Add(p + "self_attn.v_proj.weight", [KvHeads * HeadDim, Hidden]);
            Add(p + "self_attn.o_proj.weight", [Hidden, Heads * HeadDim]);
            Add(p + "post_attention_layernorm.weight", [Hidden], norm: true);
            Add(p + "mlp.gate_proj.weight", [Ffn, Hidden]);
            Add(p + "mlp.up_proj.weight", [Ffn, Hidden]);
            Add(p + "mlp.down_proj.weight", [Hidden, Ffn]);
        }

        Add("model.norm.weight", [Hidden], norm: true);
        Add("lm_head.weight", [Vocab, Hidden]);
        return tensors;
    }

    /// <summary>
    /// Permutes the residual stream, each block's FFN units and each block's KV heads (with their query
    /// heads) at random. Returns the copy and, per group name as the spec names them, the permutation
    /// applied (new unit u is old unit perm[u]).
    /// </summary>
    public (Dictionary<string, (long[] Shape, float[] Values)> Tensors, Dictionary<string, int[]> Applied) RandomlyPermuted(
        IReadOnlyDictionary<string, (long[] Shape, float[] Values)> original, int seed)
    {
        var random = new Random(seed);
        var residual = ReferencePermutation.Random(random, Hidden);
        var applied = new Dictionary<string, int[]> { ["residual"] = residual };
        var queryBlock = HeadDim * (Heads / KvHeads);
        var axes = new Dictionary<string, Dictionary<int, (int[], int)>>
        {
            ["model.embed_tokens.weight"] = new() { [1] = (residual, 1) },
            ["model.norm.weight"] = new() { [0] = (residual, 1) },
            ["lm_head.weight"] = new() { [1] = (residual, 1) },
        };
        for (var b = 0; b < Blocks; b++)
        {
            var p = $"model.layers.{b}.";
            var ffn = ReferencePermutation.Random(random, Ffn);
            var heads = ReferencePermutation.Random(random, KvHeads);
            applied[p + "mlp"] = ffn;
            applied[p + "self_attn.heads"] = heads;
            axes[p + "input_layernorm.weight"] = new() { [0] = (residual, 1) };
            axes[p + "post_attention_layernorm.weight"] = new() { [0] = (residual, 1) };
            axes[p + "self_attn.q_proj.weight"] = new() { [0] = (heads, queryBlock), [1] = (residual, 1) };
            axes[p + "self_attn.k_proj.weight"] = new() { [0] = (heads, HeadDim), [1] = (residual, 1) };
            axes[p + "self_attn.v_proj.weight"] = new() { [0] = (heads, HeadDim), [1] = (residual, 1) };
            axes[p + "self_attn.o_proj.weight"] = new() { [0] = (residual, 1), [1] = (heads, queryBlock) };
            axes[p + "mlp.gate_proj.weight"] = new() { [0] = (ffn, 1), [1] = (residual, 1) };
            axes[p + "mlp.up_proj.weight"] = new() { [0] = (ffn, 1), [1] = (residual, 1) };
            axes[p + "mlp.down_proj.weight"] = new() { [0] = (residual, 1), [1] = (ffn, 1) };
        }

        var permuted = original.ToDictionary(
            t => t.Key,
            t => (t.Value.Shape, ReferencePermutation.Apply(t.Value.Values, t.Value.Shape, axes[t.Key])),
            StringComparer.Ordinal);
        return (permuted, applied);
    }
}
