namespace FusionCluster.Core.Methods;

/// <summary>One non-base model's version of the tensor being merged, with its resolved per-model parameters.</summary>
/// <param name="Model">The model's reference as written in the spec (for messages).</param>
/// <param name="Tensor">The tensor data.</param>
/// <param name="Parameters">Per-model parameters (weight, density, gamma, epsilon, scale ...) already resolved for this tensor.</param>
public sealed record ModelTensor(string Model, TensorSource Tensor, IReadOnlyDictionary<string, double> Parameters)
{
    public double Get(string name, double fallback) => Parameters.TryGetValue(name, out var v) ? v : fallback;
}
