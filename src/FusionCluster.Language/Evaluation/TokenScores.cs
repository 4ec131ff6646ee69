namespace FusionCluster.Language.Evaluation;

/// <summary>What one pass of a model (or of models whose logits are combined) over a tokenized text found.</summary>
/// <param name="LogProbabilities">Natural-log probability of every predicted token, windows in text order.</param>
/// <param name="Windows">Windows the text was cut into.</param>
/// <param name="Context">Tokens per window.</param>
/// <param name="ForwardTokens">Window tokens that went through the forward pass.</param>
/// <param name="Seconds">Time the pass took.</param>
public sealed record TokenScores(double[] LogProbabilities, int Windows, int Context, long ForwardTokens, double Seconds)
{
    /// <summary>The result whose total log-probability over the predicted tokens is <paramref name="logProbabilitySum"/>.</summary>
    public PerplexityResult ToResult(double logProbabilitySum, double? seconds = null)
    {
        var mean = -logProbabilitySum / LogProbabilities.Length;
        return new PerplexityResult(Math.Exp(mean), mean, LogProbabilities.Length, Windows, Context, ForwardTokens / Math.Max(seconds ?? Seconds, 1e-9));
    }
}
