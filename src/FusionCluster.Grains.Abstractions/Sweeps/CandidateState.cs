namespace FusionCluster.Grains.Abstractions.Sweeps;

public enum CandidateState
{
    Pending,
    Merging,
    Evaluating,
    Done,
    Failed,
}
