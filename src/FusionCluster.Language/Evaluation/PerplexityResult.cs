namespace FusionCluster.Language.Evaluation;

/// <summary>What one perplexity measurement found.</summary>
/// <param name="Perplexity">exp(<paramref name="MeanNll"/>).</param>
/// <param name="MeanNll">Mean negative log-likelihood (natural log) per predicted token.</param>
/// <param name="Tokens">Tokens predicted: every window's tokens 2..n.</param>
/// <param name="Windows">Windows the text was cut into.</param>
/// <param name="Context">Tokens per window.</param>
/// <param name="TokensPerSecond">Tokens through the forward pass per second (every window token).</param>
public sealed record PerplexityResult(double Perplexity, double MeanNll, long Tokens, int Windows, int Context, double TokensPerSecond);
