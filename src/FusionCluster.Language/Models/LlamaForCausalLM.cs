using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FusionCluster.Language.Models;

/// <summary>
/// A Llama-family causal LM (llama 1-3, mistral, qwen2) as a TorchSharp module whose parameters carry
/// Hugging Face's tensor names (<c>model.layers.0.self_attn.q_proj.weight</c> ...), so a checkpoint loads by
/// name and the parameters train with autograd. Computes in float32. With tied embeddings there is no
/// <c>lm_head.weight</c>: the head is the embedding matrix. Parameters are created empty; fill them with
/// <see cref="LanguageModelCheckpoint.Load"/> or an initialiser.
/// </summary>
public sealed class LlamaForCausalLM : nn.Module<Tensor, Tensor>
{
    private readonly LlamaBackbone backbone;
    private readonly LinearProjection? head;
    private readonly double[] inverseFrequencies;

    public LlamaForCausalLM(LanguageModelConfig config, Device? device = null)
        : base("LlamaForCausalLM")
    {
        ArgumentNullException.ThrowIfNull(config);
        Config = config;
        Device = device ?? CPU;
        inverseFrequencies = RotaryEmbedding.InverseFrequencies(config);
        backbone = new LlamaBackbone(config, Device);
        register_module("model", backbone);
        if (!config.TieWordEmbeddings)
        {
            head = new LinearProjection("lm_head", config.HiddenSize, config.VocabSize, hasBias: false, Device);
            register_module("lm_head", head);
        }
    }

    public LanguageModelConfig Config { get; }

    public Device Device { get; }

    /// <summary>input ids [batch, seq] (int64) → logits [batch, seq, vocab].</summary>
    public override Tensor forward(Tensor inputIds) => Forward(inputIds);

    /// <summary>
    /// input ids [batch, seq] (int64, on <see cref="Device"/> or the CPU) → logits [batch, seq, vocab], every
    /// position attending to itself and earlier ones (and, with a sliding window, at most that many).
    /// </summary>
    public Tensor Forward(Tensor inputIds, ActivationCapture? capture = null)
    {
        using var scope = NewDisposeScope();
        var (ids, cos, sin, mask) = Inputs(inputIds);
        var hidden = backbone.Forward(ids, cos, sin, mask, capture);
        var logits = head is null
            ? Head(hidden, capture)
            : head.Forward(hidden, capture);
        return logits.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Runs only the first <paramref name="blocks"/> decoder blocks of <see cref="Forward"/>, for the activations
    /// <paramref name="capture"/> sees there (the same values the full forward shows): a caller that needs the
    /// early blocks' activations skips the rest, the final norm and the LM head.
    /// </summary>
    public void Capture(Tensor inputIds, ActivationCapture capture, int blocks)
    {
        ArgumentNullException.ThrowIfNull(capture);
        using var scope = NewDisposeScope();
        var (ids, cos, sin, mask) = Inputs(inputIds);
        backbone.Blocks(ids, cos, sin, mask, capture, blocks);
    }

    private (Tensor Ids, Tensor Cos, Tensor Sin, Tensor? Mask) Inputs(Tensor inputIds)
    {
        ArgumentNullException.ThrowIfNull(inputIds);
        if (inputIds.dim() != 2)
        {
            throw new ArgumentException($"input ids must be [batch, seq], not [{string.Join(", ", inputIds.shape)}]", nameof(inputIds));
        }

        var ids = inputIds.to(ScalarType.Int64, Device);
        var (cos, sin, mask) = Positions(Config, inverseFrequencies, ids.shape[1], Device);
        return (ids, cos, sin, mask);
    }

    /// <summary>
    /// The rotary tables and (with a sliding window shorter than <paramref name="length"/>) the attention mask of a
    /// sequence: what every decoder block of a forward pass reads besides its input (<see cref="LlamaBlockStream"/> too).
    /// </summary>
    internal static (Tensor Cos, Tensor Sin, Tensor? Mask) Positions(LanguageModelConfig config, double[] inverseFrequencies, long length, Device device)
    {
        var (cos, sin) = RotaryEmbedding.Tables(inverseFrequencies, 0, length, device);
        var mask = config.SlidingWindow is { } window && window < length ? SlidingWindowMask(length, window, device) : null;
        return (cos, sin, mask);
    }

    private Tensor Head(Tensor hidden, ActivationCapture? capture)
    {
        capture?.LinearInput?.Invoke("lm_head", hidden);
        return nn.functional.linear(hidden, backbone.EmbedTokens);
    }

    /// <summary>True where query i may attend to key j: j ≤ i and i - j &lt; window.</summary>
    private static Tensor SlidingWindowMask(long length, int window, Device device)
    {
        using var scope = NewDisposeScope();
        var rows = arange(length, ScalarType.Int64, device).unsqueeze(1);
        var columns = arange(length, ScalarType.Int64, device).unsqueeze(0);
        var distance = rows - columns;
        return distance.ge(0).logical_and(distance.lt(window)).MoveToOuterDisposeScope();
    }
}
