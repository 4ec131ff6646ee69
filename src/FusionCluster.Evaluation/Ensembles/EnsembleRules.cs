namespace FusionCluster.Evaluation.Ensembles;

/// <summary>The names ensemble.json and the command line use for <see cref="EnsembleRule"/>.</summary>
public static class EnsembleRules
{
    public const string MeanProbs = "mean-probs";
    public const string MeanLogits = "mean-logits";
    public const string Vote = "vote";

    public const string Description = "mean-probs (default: the weighted mean of the members' probabilities), mean-logits (softmax of the weighted mean of their logits) or vote (classifiers: weighted majority of top classes)";

    public static string Name(EnsembleRule rule) => rule switch
    {
        EnsembleRule.MeanProbs => MeanProbs,
        EnsembleRule.MeanLogits => MeanLogits,
        EnsembleRule.Vote => Vote,
        _ => throw new ArgumentOutOfRangeException(nameof(rule), rule, null),
    };

    public static bool TryParse(string? text, out EnsembleRule rule)
    {
        switch (text)
        {
            case MeanProbs:
                rule = EnsembleRule.MeanProbs;
                return true;
            case MeanLogits:
                rule = EnsembleRule.MeanLogits;
                return true;
            case Vote:
                rule = EnsembleRule.Vote;
                return true;
            default:
                rule = default;
                return false;
        }
    }
}
