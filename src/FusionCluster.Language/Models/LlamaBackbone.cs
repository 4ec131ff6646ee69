using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FusionCluster.Language.Models;

/// <summary>The decoder stack without the LM head: Hugging Face's <c>model.*</c> tensors.</summary>
internal sealed class LlamaBackbone : nn.Module
{
    private readonly EmbeddingTable embedTokens;
    private readonly ModuleList<LlamaDecoderLayer> layers;
    private readonly RmsNorm norm;

    public LlamaBackbone(LanguageModelConfig config, Device device)
        : base("model")
    {
        embedTokens = new EmbeddingTable(config.VocabSize, config.HiddenSize, device);
        register_module("embed_tokens", embedTokens);
        layers = new ModuleList<LlamaDecoderLayer>(Enumerable.Range(0, config.NumHiddenLayers).Select(i => new LlamaDecoderLayer($"model.layers.{i}", config, device)).ToArray());
        register_module("layers", layers);
        norm = new RmsNorm("model.norm", config.HiddenSize, config.RmsNormEps, device);
        register_module("norm", norm);
    }

    public Parameter EmbedTokens => embedTokens.Weight;

    /// <summary>input ids [batch, seq] → final normalised hidden states [batch, seq, hidden].</summary>
    public Tensor Forward(Tensor inputIds, Tensor cos, Tensor sin, Tensor? mask, ActivationCapture? capture)
    {
        using var scope = NewDisposeScope();
        var x = Blocks(inputIds, cos, sin, mask, capture, layers.Count);
        return norm.Forward(x).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// input ids [batch, seq] → the hidden states [batch, seq, hidden] after the first <paramref name="count"/>
    /// blocks, computed exactly as <see cref="Forward"/> computes them (the same operations in the same order).
    /// </summary>
    public Tensor Blocks(Tensor inputIds, Tensor cos, Tensor sin, Tensor? mask, ActivationCapture? capture, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, layers.Count);
        using var scope = NewDisposeScope();
        var x = EmbeddingTable.Lookup(embedTokens.Weight, inputIds);
        for (var i = 0; i < count; i++)
        {
            x = layers[i].Forward(x, cos, sin, mask, capture);
            capture?.HiddenState?.Invoke(i, x);
        }

        return x.MoveToOuterDisposeScope();
    }
}
