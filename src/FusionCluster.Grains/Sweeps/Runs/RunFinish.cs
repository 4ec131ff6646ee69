using FusionCluster.Grains.Abstractions.Sweeps;

namespace FusionCluster.Grains.Sweeps.Runs;

/// <summary>
/// What ending a run decided: its best candidate, the one to copy to best/ (null: none), whether best/
/// already holds it, and the merge keys and run numbers that pruning keeps.
/// </summary>
public sealed record RunFinish(
    SweepCandidateStatus? Best,
    SweepCandidateStatus? Promoted,
    bool AlreadyInPlace,
    IReadOnlySet<string> KeepKeys,
    IReadOnlySet<int> KeepRuns);
