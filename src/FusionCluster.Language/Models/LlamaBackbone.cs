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
        var x = embedTokens.Weight.index_select(0, inputIds.flatten()).view(inputIds.shape[0], inputIds.shape[1], -1);
        for (var i = 0; i < layers.Count; i++)
        {
            x = layers[i].Forward(x, cos, sin, mask, capture);
            capture?.HiddenState?.Invoke(i, x);
        }

        return norm.Forward(x).MoveToOuterDisposeScope();
    }

}
