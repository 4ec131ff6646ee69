namespace FusionCluster.Core.Execution;

/// <summary>What running one unit did, for progress and the merge report.</summary>
public sealed record UnitResult(int Unit, long InputBytes, long OutputBytes, double Seconds, IReadOnlyList<string> Warnings)
{
    /// <summary>What a unit of an early phase (alignment) leaves for later units: small text (permutations as JSON); null for merge units.</summary>
    public string? PhaseResult { get; init; }
}
