namespace FusionCluster.Connectivity;

/// <summary>How the second model is made to correspond to the first before interpolating.</summary>
public enum AlignmentMethod
{
    /// <summary>Naive: units are taken to correspond as they are numbered.</summary>
    None,

    /// <summary>Git Re-Basin §3.1: per hidden layer, the permutation maximising the correlation of activations on data.</summary>
    ActivationMatching,

    /// <summary>Git Re-Basin §3.2: permutations maximising the inner product of weights (coordinate descent).</summary>
    WeightMatching,

    /// <summary>ZipIt! (Stoica et al. 2023): merge correlated features within and across the models.</summary>
    ZipIt,
}
