using FusionCluster.Grains.Abstractions.Sweeps;

namespace FusionCluster.Grains.Sweeps.Runs;

/// <summary>A merging candidate's next state (null: unchanged), or that its job must be started again.</summary>
public sealed record MergeProgress(SweepCandidateStatus? Updated, bool Restart);
