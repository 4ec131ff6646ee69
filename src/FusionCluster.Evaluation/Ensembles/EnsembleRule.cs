namespace FusionCluster.Evaluation.Ensembles;

/// <summary>How an ensemble combines its members' outputs.</summary>
public enum EnsembleRule
{
    /// <summary>The weighted mean of the members' probabilities (a mixture): the default.</summary>
    MeanProbs,

    /// <summary>Softmax of the weighted mean of the members' logits.</summary>
    MeanLogits,

    /// <summary>Classifiers only: each member votes for its top class with its weight; ties go to the lowest class.</summary>
    Vote,
}
