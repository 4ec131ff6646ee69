namespace FusionCluster.Core.Specs;

/// <summary>How an <c>align:</c> section makes the models' units correspond before they are merged.</summary>
public enum AlignMethod
{
    /// <summary>Git Re-Basin weight matching: permutations from the weights alone.</summary>
    WeightMatching,

    /// <summary>Permutations from the correlation of activations on a dataset.</summary>
    ActivationMatching,

    /// <summary>ZipIt!: merges correlated features within and across models.</summary>
    Zipit,
}
