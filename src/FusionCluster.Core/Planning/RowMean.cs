namespace FusionCluster.Core.Planning;

/// <summary>Output row <paramref name="Row"/> is the mean of the listed source rows.</summary>
/// <param name="Row">The output row.</param>
/// <param name="From">The rows averaged, in model order: each a source index into <see cref="RowMap.Sources"/> and a row in it.</param>
public sealed record RowMean(long Row, IReadOnlyList<RowReference> From);
