namespace FusionCluster.Core.Sweeps;

/// <summary>What each point of a sweep runs: a merge (then its evaluators), or a connectivity evaluation between two models.</summary>
public enum SweepKind
{
    Merge,
    Connect,
}
