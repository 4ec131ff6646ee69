using static TorchSharp.torch;

namespace FusionCluster.Language.Models;

/// <summary>
/// Callbacks that see a forward pass's activations, for alignment and data-aware merging. Each tensor is
/// valid only during its callback (it belongs to the forward's dispose scope): clone or copy what you keep.
/// </summary>
public sealed class ActivationCapture
{
    /// <summary>Called after each decoder block with its index and output hidden states [batch, seq, hidden].</summary>
    public Action<int, Tensor>? HiddenState { get; init; }

    /// <summary>
    /// Called before each linear layer with its tensor-name prefix (e.g. <c>model.layers.0.self_attn.q_proj</c>,
    /// or <c>lm_head</c>) and its input [batch, seq, in_features].
    /// </summary>
    public Action<string, Tensor>? LinearInput { get; init; }
}
