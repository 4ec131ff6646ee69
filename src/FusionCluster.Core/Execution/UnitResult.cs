namespace FusionCluster.Core.Execution;

/// <summary>What running one unit did, for progress and the merge report.</summary>
public sealed record UnitResult(int Unit, long InputBytes, long OutputBytes, double Seconds, IReadOnlyList<string> Warnings)
{
    /// <summary>What a unit of an early phase (alignment) leaves for later units: small text (permutations as JSON); null for merge units.</summary>
    public string? PhaseResult { get; init; }

    /// <summary>On a member of a shared unit: its candidate's index in the job's plan.</summary>
    public int Candidate { get; init; }

    /// <summary>On a member of a shared unit: why its candidate failed in this unit (it publishes nothing); null when it did not.</summary>
    public string? Error { get; init; }

    /// <summary>On a scoring unit (<see cref="UnitAssignment.Scoring"/>), or its members: every output tensor's metric sums, in the unit's order.</summary>
    public IReadOnlyList<TensorScore> Scores { get; init; } = [];

    /// <summary>On a member of a scoring unit: whether it was also written to its candidate's staging (<see cref="UnitAssignment.WriteCandidate"/>).</summary>
    public bool Written { get; init; }

    /// <summary>On a shared unit: one result per member, each with the member's own unit index.</summary>
    public IReadOnlyList<UnitResult> Members { get; init; } = [];
}
