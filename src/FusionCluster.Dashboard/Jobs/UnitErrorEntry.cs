namespace FusionCluster.Dashboard.Jobs;

/// <summary>One problem of one unit: a failed attempt, or why it went back to the queue.</summary>
/// <param name="Attempt">The attempt it ended (0 when the grain did not say: jobs saved before attempts were kept).</param>
public sealed record UnitErrorEntry(DateTimeOffset? At, int Unit, string UnitName, string? Silo, string Kind, string Message, int Attempt = 0);
