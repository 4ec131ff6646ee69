namespace FusionCluster.Alignment.Matching;

/// <summary>The permutations that align a model to a reference, with a report per group.</summary>
/// <param name="Groups">In the spec's group order.</param>
/// <param name="Sweeps">Passes over all groups that ran.</param>
/// <param name="Converged">True when the last sweep improved no group; false when the iteration limit stopped it.</param>
public sealed record AlignmentResult(IReadOnlyList<GroupAlignment> Groups, int Sweeps, bool Converged)
{
    public IReadOnlyDictionary<string, int[]> Permutations => Groups.ToDictionary(g => g.Group, g => g.Permutation, StringComparer.Ordinal);
}
