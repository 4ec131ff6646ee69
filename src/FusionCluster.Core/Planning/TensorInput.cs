namespace FusionCluster.Core.Planning;

/// <summary>Where one input of an output tensor comes from.</summary>
/// <param name="Model">The model reference as written in the spec.</param>
/// <param name="Tensor">The tensor's name in that model's checkpoint (differs from the output name in frankenmerges or tied heads).</param>
/// <param name="Parameters">Resolved per-model parameters (empty for the base model of methods that have one).</param>
public sealed record TensorInput(string Model, string Tensor, IReadOnlyDictionary<string, double> Parameters)
{
    /// <summary>For an embedding-like tensor under a tokenizer section: how its rows map to the output vocabulary; null to read it as stored.</summary>
    public RowMap? Rows { get; init; }
}
