namespace FusionCluster.Core.Methods;

/// <summary>One non-base model's version of the tensor being merged, with its resolved per-model parameters.</summary>
/// <param name="Model">The model's reference as written in the spec (for messages).</param>
/// <param name="Tensor">The tensor data.</param>
/// <param name="Parameters">Per-model parameters (weight, density, gamma, epsilon, scale ...) already resolved for this tensor.</param>
public sealed record ModelTensor(string Model, TensorSource Tensor, IReadOnlyDictionary<string, double> Parameters)
{
    /// <summary>
    /// For an <see cref="IStatisticsMergeMethod"/>: this model's statistics for the tensor (a Gram matrix, a Fisher),
    /// computed by the job's statistics phase; null when the model has none for it (a RegMean bias).
    /// </summary>
    public TensorSource? Statistics { get; init; }

    public double Get(string name, double fallback) => Parameters.TryGetValue(name, out var v) ? v : fallback;
}
