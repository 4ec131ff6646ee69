namespace FusionCluster.Core.Sweeps;

/// <summary>The evaluators a sweep runs on every merge (at least one); their metrics are pooled.</summary>
public sealed record SweepEvaluatorSpec(AccuracyEvaluatorSpec? Accuracy, TensorEvaluatorSpec? Tensors, CommandEvaluatorSpec? Command, PerplexityEvaluatorSpec? Perplexity = null);
