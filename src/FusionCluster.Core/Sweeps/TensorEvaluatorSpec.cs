namespace FusionCluster.Core.Sweeps;

/// <summary>Tensor metrics against reference models (name, absolute folder), optionally with a base for task-vector metrics.</summary>
public sealed record TensorEvaluatorSpec(IReadOnlyList<KeyValuePair<string, string>> Compare, string? Base);
