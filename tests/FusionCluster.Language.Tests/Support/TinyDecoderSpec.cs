using System.Globalization;
using System.Text;

namespace FusionCluster.Language.Tests.Support;

/// <summary>
/// The shape of a tiny Llama-family checkpoint the tests write, kept separately from the code under test's
/// config type so that the reference forward does not share its parsing.
/// </summary>
public sealed record TinyDecoderSpec
{
    public string ModelType { get; init; } = "llama";

    public int Hidden { get; init; } = 8;

    public int Ffn { get; init; } = 12;

    public int Layers { get; init; } = 2;

    public int Heads { get; init; } = 2;

    public int KvHeads { get; init; } = 2;

    /// <summary>Written as head_dim when set; otherwise hidden / heads.</summary>
    public int? HeadDim { get; init; }

    public int Vocab { get; init; } = 11;

    public bool Tied { get; init; }

    public double RopeTheta { get; init; } = 10000;

    public double Eps { get; init; } = 1e-5;

    /// <summary>Raw JSON of rope_scaling, or null.</summary>
    public string? RopeScalingJson { get; init; }

    public int? SlidingWindow { get; init; }

    public int EffectiveHeadDim => HeadDim ?? (Hidden / Heads);

    /// <summary>Qwen2 always has q/k/v biases.</summary>
    public bool QkvBias => ModelType == "qwen2";

    public string ConfigJson()
    {
        var json = new StringBuilder();
        json.Append(CultureInfo.InvariantCulture, $$"""{"architectures":["X"],"model_type":"{{ModelType}}","hidden_act":"silu","hidden_size":{{Hidden}},"intermediate_size":{{Ffn}},"num_hidden_layers":{{Layers}},"num_attention_heads":{{Heads}},"num_key_value_heads":{{KvHeads}},"vocab_size":{{Vocab}},"rms_norm_eps":{{Eps:R}},"rope_theta":{{RopeTheta:R}},"tie_word_embeddings":{{(Tied ? "true" : "false")}},"max_position_embeddings":64""");
        if (HeadDim is { } headDim)
        {
            json.Append(CultureInfo.InvariantCulture, $",\"head_dim\":{headDim}");
        }

        json.Append(",\"rope_scaling\":").Append(RopeScalingJson ?? "null");
        if (SlidingWindow is { } window)
        {
            json.Append(CultureInfo.InvariantCulture, $",\"sliding_window\":{window}");
        }

        return json.Append('}').ToString();
    }

    /// <summary>Every tensor name and shape of the checkpoint, in a fixed order.</summary>
    public IReadOnlyList<(string Name, long[] Shape)> Tensors()
    {
        var d = EffectiveHeadDim;
        var list = new List<(string, long[])> { ("model.embed_tokens.weight", [Vocab, Hidden]) };
        for (var l = 0; l < Layers; l++)
        {
            var p = $"model.layers.{l}";
            list.Add(($"{p}.input_layernorm.weight", [Hidden]));
            list.Add(($"{p}.self_attn.q_proj.weight", [Heads * d, Hidden]));
            list.Add(($"{p}.self_attn.k_proj.weight", [KvHeads * d, Hidden]));
            list.Add(($"{p}.self_attn.v_proj.weight", [KvHeads * d, Hidden]));
            if (QkvBias)
            {
                list.Add(($"{p}.self_attn.q_proj.bias", [Heads * d]));
                list.Add(($"{p}.self_attn.k_proj.bias", [KvHeads * d]));
                list.Add(($"{p}.self_attn.v_proj.bias", [KvHeads * d]));
            }

            list.Add(($"{p}.self_attn.o_proj.weight", [Hidden, Heads * d]));
            list.Add(($"{p}.post_attention_layernorm.weight", [Hidden]));
            list.Add(($"{p}.mlp.gate_proj.weight", [Ffn, Hidden]));
            list.Add(($"{p}.mlp.up_proj.weight", [Ffn, Hidden]));
            list.Add(($"{p}.mlp.down_proj.weight", [Hidden, Ffn]));
        }

        list.Add(("model.norm.weight", [Hidden]));
        if (!Tied)
        {
            list.Add(("lm_head.weight", [Vocab, Hidden]));
        }

        return list;
    }
}
