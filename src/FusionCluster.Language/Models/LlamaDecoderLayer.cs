using FusionCluster.Evaluation.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace FusionCluster.Language.Models;

/// <summary>One pre-norm block: h = x + attn(norm(x)); out = h + mlp(norm(h)).</summary>
internal sealed class LlamaDecoderLayer : nn.Module
{
    private readonly RmsNorm inputNorm;
    private readonly LlamaAttention attention;
    private readonly RmsNorm postAttentionNorm;
    private readonly LlamaMlp mlp;

    public LlamaDecoderLayer(string prefix, LanguageModelConfig config, Device device)
        : base(prefix)
    {
        inputNorm = new RmsNorm($"{prefix}.input_layernorm", config.HiddenSize, config.RmsNormEps, device);
        attention = new LlamaAttention($"{prefix}.self_attn", config, device);
        postAttentionNorm = new RmsNorm($"{prefix}.post_attention_layernorm", config.HiddenSize, config.RmsNormEps, device);
        mlp = new LlamaMlp($"{prefix}.mlp", config, device);
        register_module("input_layernorm", inputNorm);
        register_module("self_attn", attention);
        register_module("post_attention_layernorm", postAttentionNorm);
        register_module("mlp", mlp);
    }

    public Tensor Forward(Tensor x, Tensor cos, Tensor sin, Tensor? mask, ActivationCapture? capture)
    {
        using var scope = NewDisposeScope();

        // Not x + y: Tensor + Tensor passes alpha as a fresh Scalar that nothing references during the native add, so the
        // finalizer thread could free it mid-call (a CI run failed with libtorch's "toFloat" check here).
        var h = x.add(attention.Forward(inputNorm.Forward(x), cos, sin, mask, capture), HeldScalars.One);
        return h.add(mlp.Forward(postAttentionNorm.Forward(h), capture), HeldScalars.One).MoveToOuterDisposeScope();
    }
}
