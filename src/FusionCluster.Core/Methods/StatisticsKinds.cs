namespace FusionCluster.Core.Methods;

/// <summary>The statistics a data-aware method asks each model's data for.</summary>
public static class StatisticsKinds
{
    /// <summary>Per linear layer weight [out, in], the Gram matrix X^T X / n [in, in] of the layer's inputs.</summary>
    public const string Gram = "gram";

    /// <summary>Per tensor, the diagonal empirical Fisher E[(∇ log p(y|x))²], shaped like the tensor.</summary>
    public const string Fisher = "fisher";
}
