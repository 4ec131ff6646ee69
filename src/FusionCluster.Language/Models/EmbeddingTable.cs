using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FusionCluster.Language.Models;

/// <summary>
/// Holds the token embedding matrix [vocab, hidden] so that its parameter is named model.embed_tokens.weight
/// (TorchSharp also names parameters after the fields holding them, so the field is called weight).
/// </summary>
internal sealed class EmbeddingTable : nn.Module
{
    private readonly Parameter weight;

    public EmbeddingTable(long vocabulary, long hidden, Device device)
        : base("embed_tokens")
    {
        weight = new Parameter(empty([vocabulary, hidden], ScalarType.Float32, device));
        register_parameter("weight", weight);
    }

    public Parameter Weight => weight;

    /// <summary>input ids [batch, seq] → their rows of <paramref name="weight"/> [batch, seq, hidden] (a new tensor, not a view of the table).</summary>
    public static Tensor Lookup(Tensor weight, Tensor inputIds) =>
        weight.index_select(0, inputIds.flatten()).view(inputIds.shape[0], inputIds.shape[1], -1);
}
