namespace FusionCluster.Core.Sweeps;

/// <summary>Classifier accuracy on a dataset file (.fcds); paths are resolved (absolute).</summary>
/// <param name="Split">held-out, train or all.</param>
/// <param name="Classes">Only these classes, or null for all.</param>
public sealed record AccuracyEvaluatorSpec(string Dataset, string Split, IReadOnlyList<int>? Classes);
