using TorchSharp;
using static TorchSharp.torch;

namespace FusionCluster.Language.Models;

/// <summary>
/// Causal self-attention with rotary embeddings and grouped-query attention: key/value head j serves the
/// query heads j·g .. j·g+g-1 (g = heads / kv_heads), as Hugging Face's repeat_kv does.
/// </summary>
internal sealed class LlamaAttention : nn.Module
{
    private readonly LinearProjection query;
    private readonly LinearProjection key;
    private readonly LinearProjection value;
    private readonly LinearProjection output;
    private readonly LanguageModelConfig config;

    public LlamaAttention(string prefix, LanguageModelConfig config, Device device)
        : base(prefix)
    {
        this.config = config;
        long hidden = config.HiddenSize;
        long queryWidth = (long)config.NumAttentionHeads * config.HeadDim;
        long keyValueWidth = (long)config.NumKeyValueHeads * config.HeadDim;
        query = new LinearProjection($"{prefix}.q_proj", hidden, queryWidth, config.AttentionBias, device);
        key = new LinearProjection($"{prefix}.k_proj", hidden, keyValueWidth, config.AttentionBias, device);
        value = new LinearProjection($"{prefix}.v_proj", hidden, keyValueWidth, config.AttentionBias, device);
        output = new LinearProjection($"{prefix}.o_proj", queryWidth, hidden, config.OutputProjectionBias, device);
        register_module("q_proj", query);
        register_module("k_proj", key);
        register_module("v_proj", value);
        register_module("o_proj", output);
    }

    /// <summary>x [batch, seq, hidden] → [batch, seq, hidden]; cos/sin [seq, head_dim]; mask null for plain causal.</summary>
    public Tensor Forward(Tensor x, Tensor cos, Tensor sin, Tensor? mask, ActivationCapture? capture)
    {
        using var scope = NewDisposeScope();
        var batch = x.shape[0];
        var length = x.shape[1];
        var q = query.Forward(x, capture).view(batch, length, config.NumAttentionHeads, config.HeadDim).transpose(1, 2);
        var k = key.Forward(x, capture).view(batch, length, config.NumKeyValueHeads, config.HeadDim).transpose(1, 2);
        var v = value.Forward(x, capture).view(batch, length, config.NumKeyValueHeads, config.HeadDim).transpose(1, 2);
        q = RotaryEmbedding.Apply(q, cos, sin);
        k = RotaryEmbedding.Apply(k, cos, sin);
        var group = config.NumAttentionHeads / config.NumKeyValueHeads;
        if (group > 1)
        {
            k = k.repeat_interleave(group, 1);
            v = v.repeat_interleave(group, 1);
        }

        var attended = mask is null
            ? nn.functional.scaled_dot_product_attention(q, k, v, is_casual: true)
            : nn.functional.scaled_dot_product_attention(q, k, v, mask);
        var merged = attended.transpose(1, 2).reshape(batch, length, (long)config.NumAttentionHeads * config.HeadDim);
        return output.Forward(merged, capture).MoveToOuterDisposeScope();
    }
}
