namespace FusionCluster.Evaluation.Training;

/// <summary>How parameters are updated from gradients.</summary>
public enum TrainingOptimizer
{
    /// <summary>Adam (torch defaults: betas 0.9/0.999, eps 1e-8).</summary>
    Adam,

    /// <summary>Stochastic gradient descent with momentum; fine-tunes stay closer to their base, which suits task arithmetic.</summary>
    Sgd,
}
