namespace FusionCluster.Dashboard.Jobs;

/// <summary>A row of two specs side by side: the first spec's line and the second's (either absent where the other has a line it lacks), with their line numbers.</summary>
public sealed record SpecLinePair(int? FirstNumber, string? First, int? SecondNumber, string? Second, SpecLineChange Change);
