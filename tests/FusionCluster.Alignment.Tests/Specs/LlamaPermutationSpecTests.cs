using System.Text.Json.Nodes;
using FusionCluster.Alignment.Specs;

namespace FusionCluster.Alignment.Tests.Specs;

public sealed class LlamaPermutationSpecTests
{
    [Fact]
    public void Shares_the_residual_stream_and_moves_query_groups_with_their_KV_head()
    {
        // 8 query heads over 2 KV heads of dimension 4: each KV head carries 4 query heads = 16 rows of q.
        var config = new JsonObject { ["hidden_size"] = 32, ["intermediate_size"] = 48, ["num_attention_heads"] = 8, ["num_key_value_heads"] = 2 };
        var shapes = LlamaShapes(hidden: 32, ffn: 48, heads: 8, kvHeads: 2, headDim: 4, blocks: 2, vocab: 11);

        var spec = LlamaPermutationSpec.Derive(config, shapes, "llama");

        Assert.Equal(
            [
                new PermutationGroup("residual", 32),
                new PermutationGroup("model.layers.0.self_attn.heads", 2),
                new PermutationGroup("model.layers.0.mlp", 48),
                new PermutationGroup("model.layers.1.self_attn.heads", 2),
                new PermutationGroup("model.layers.1.mlp", 48),
            ],
            spec.Groups);
        const string heads = "model.layers.1.self_attn.heads";
        Assert.Equal([new PermutedAxis(0, heads, 16), new PermutedAxis(1, "residual")], spec.Tensors["model.layers.1.self_attn.q_proj.weight"]);
        Assert.Equal([new PermutedAxis(0, heads, 4), new PermutedAxis(1, "residual")], spec.Tensors["model.layers.1.self_attn.k_proj.weight"]);
        Assert.Equal([new PermutedAxis(0, "residual"), new PermutedAxis(1, heads, 16)], spec.Tensors["model.layers.1.self_attn.o_proj.weight"]);
        Assert.Equal([new PermutedAxis(0, "residual"), new PermutedAxis(1, "model.layers.1.mlp")], spec.Tensors["model.layers.1.mlp.down_proj.weight"]);
        Assert.Equal([new PermutedAxis(0, "residual")], spec.Tensors["model.layers.0.input_layernorm.weight"]);
        Assert.Equal([new PermutedAxis(1, "residual")], spec.Tensors["lm_head.weight"]);
        Assert.Equal([new PermutedAxis(1, "residual")], spec.Tensors["model.embed_tokens.weight"]);
        Assert.Equal([new PermutedAxis(0, "residual")], spec.Tensors["model.norm.weight"]);
        spec.CheckCovers(shapes, "llama");
    }

    [Fact]
    public void An_unknown_tensor_is_an_error_naming_it()
    {
        var config = new JsonObject { ["hidden_size"] = 8, ["intermediate_size"] = 8, ["num_attention_heads"] = 2 };
        var shapes = LlamaShapes(hidden: 8, ffn: 8, heads: 2, kvHeads: 2, headDim: 4, blocks: 1, vocab: 5);
        shapes["model.layers.0.mlp.experts.0.weight"] = [8, 8];

        var error = Assert.Throws<AlignmentException>(() => LlamaPermutationSpec.Derive(config, shapes, "m"));

        Assert.Contains("'model.layers.0.mlp.experts.0.weight'", error.Message);
    }

    internal static Dictionary<string, long[]> LlamaShapes(int hidden, int ffn, int heads, int kvHeads, int headDim, int blocks, int vocab)
    {
        var shapes = new Dictionary<string, long[]>
        {
            ["model.embed_tokens.weight"] = [vocab, hidden],
            ["model.norm.weight"] = [hidden],
            ["lm_head.weight"] = [vocab, hidden],
        };
        for (var b = 0; b < blocks; b++)
        {
            var p = $"model.layers.{b}.";
            shapes[p + "self_attn.q_proj.weight"] = [heads * headDim, hidden];
            shapes[p + "self_attn.k_proj.weight"] = [kvHeads * headDim, hidden];
            shapes[p + "self_attn.v_proj.weight"] = [kvHeads * headDim, hidden];
            shapes[p + "self_attn.o_proj.weight"] = [hidden, heads * headDim];
            shapes[p + "mlp.gate_proj.weight"] = [ffn, hidden];
            shapes[p + "mlp.up_proj.weight"] = [ffn, hidden];
            shapes[p + "mlp.down_proj.weight"] = [hidden, ffn];
            shapes[p + "input_layernorm.weight"] = [hidden];
            shapes[p + "post_attention_layernorm.weight"] = [hidden];
        }

        return shapes;
    }
}
