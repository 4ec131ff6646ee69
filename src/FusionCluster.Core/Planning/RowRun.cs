namespace FusionCluster.Core.Planning;

/// <summary>Output rows [Start, Start + Count) are rows [SourceStart, SourceStart + Count) of source <paramref name="Source"/>.</summary>
/// <param name="Start">First output row.</param>
/// <param name="Count">Number of rows.</param>
/// <param name="Source">Index into <see cref="RowMap.Sources"/>.</param>
/// <param name="SourceStart">First row in that source.</param>
public sealed record RowRun(long Start, long Count, int Source, long SourceStart);
