namespace FusionCluster.Evaluation.Models;

/// <summary>The small image classifiers that <c>fusion train</c> builds and the accuracy evaluator runs.</summary>
public enum ClassifierArchitecture
{
    /// <summary>Flattened pixels through fully connected layers with ReLU between them.</summary>
    Mlp,

    /// <summary>3x3 convolutions (padding 1), each followed by ReLU and 2x2 max-pooling, then fully connected layers.</summary>
    Cnn,
}
