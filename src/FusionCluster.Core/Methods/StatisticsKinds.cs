namespace FusionCluster.Core.Methods;

/// <summary>The statistics a data-aware method asks each model's data for.</summary>
public static class StatisticsKinds
{
    /// <summary>Per linear layer weight [out, in], the Gram matrix X^T X / n [in, in] of the layer's inputs.</summary>
    public const string Gram = "gram";

    /// <summary>Per tensor, the diagonal empirical Fisher E[(∇ log p(y|x))²], shaped like the tensor.</summary>
    public const string Fisher = "fisher";

    /// <summary>
    /// RegMean++'s Gram matrices: per linear layer weight, X^T X / n of the layer's inputs when the model's data has
    /// gone through the already merged earlier layers (not the model's own). Layer l needs the merge of layers
    /// before it, so these are computed layer by layer (<see cref="IsSequential"/>).
    /// </summary>
    public const string MergedGram = "merged_gram";

    /// <summary>
    /// AdaMerging's coefficients: one unit learns λ per model and tensor from all models and their unlabelled data
    /// (entropy minimisation), so the phase has a single unit (<see cref="IsJoint"/>).
    /// </summary>
    public const string Coefficients = "adamerging_coefficients";

    /// <summary>Whether one unit computes the kind for all models together.</summary>
    public static bool IsJoint(string kind) => kind == Coefficients;

    /// <summary>Whether the kind's statistics of one layer depend on the merge of the layers before it.</summary>
    public static bool IsSequential(string kind) => kind == MergedGram;
}
