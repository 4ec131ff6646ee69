using TorchSharp;
using static TorchSharp.torch;

namespace FusionCluster.Language.Models;

/// <summary>SwiGLU feed-forward: down(silu(gate(x)) * up(x)).</summary>
internal sealed class LlamaMlp : nn.Module
{
    private readonly LinearProjection gate;
    private readonly LinearProjection up;
    private readonly LinearProjection down;

    public LlamaMlp(string prefix, LanguageModelConfig config, Device device)
        : base(prefix)
    {
        gate = new LinearProjection($"{prefix}.gate_proj", config.HiddenSize, config.IntermediateSize, config.MlpBias, device);
        up = new LinearProjection($"{prefix}.up_proj", config.HiddenSize, config.IntermediateSize, config.MlpBias, device);
        down = new LinearProjection($"{prefix}.down_proj", config.IntermediateSize, config.HiddenSize, config.MlpBias, device);
        register_module("gate_proj", gate);
        register_module("up_proj", up);
        register_module("down_proj", down);
    }

    public Tensor Forward(Tensor x, ActivationCapture? capture)
    {
        using var scope = NewDisposeScope();
        var activated = nn.functional.silu(gate.Forward(x, capture)) * up.Forward(x, capture);
        return down.Forward(activated, capture).MoveToOuterDisposeScope();
    }
}
