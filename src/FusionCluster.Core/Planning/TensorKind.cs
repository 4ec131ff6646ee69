namespace FusionCluster.Core.Planning;

public enum TensorKind
{
    /// <summary>Run the merge method over the inputs.</summary>
    Merge,
    /// <summary>Copy one input's bytes unchanged (integer/bool/F8 tensors, passthrough without scale).</summary>
    Copy,
}
