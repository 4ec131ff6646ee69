namespace FusionCluster.Core.Sweeps;

/// <summary>A language model's perplexity on a text file (resolved, absolute).</summary>
/// <param name="Context">Tokens per window, at most the model's max_position_embeddings; null for max_position_embeddings (at most 2,048).</param>
public sealed record PerplexityEvaluatorSpec(string Text, int? Context);
