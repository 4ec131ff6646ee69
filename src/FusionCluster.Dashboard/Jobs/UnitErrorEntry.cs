namespace FusionCluster.Dashboard.Jobs;

/// <summary>One problem of one unit: a failed attempt, or why it went back to the queue.</summary>
public sealed record UnitErrorEntry(DateTimeOffset? At, int Unit, string UnitName, string? Silo, string Kind, string Message);
