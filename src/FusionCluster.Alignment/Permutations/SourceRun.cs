namespace FusionCluster.Alignment.Permutations;

/// <summary>Elements [SourceStart, SourceStart + Length) of the original tensor, in flat row-major order.</summary>
public readonly record struct SourceRun(long SourceStart, long Length);
