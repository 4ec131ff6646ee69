namespace FusionCluster.Core.Execution;

/// <summary>
/// The memory one work unit may need at most: a silo's default slot count divides its memory by it, and units that
/// could grow with the model (an align unit's correlation sums) split their work to stay within it.
/// </summary>
public static class UnitMemory
{
    /// <summary>2 GiB: a merge unit's mapped tensors and chunk buffers, an align unit's correlation state per pass.</summary>
    public const long BytesPerUnit = 2L * 1024 * 1024 * 1024;
}
