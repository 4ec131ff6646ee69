namespace FusionCluster.Alignment.Assignment;

/// <summary>
/// Solves the dense linear assignment problem: a one-to-one matching of n rows to n columns with the
/// largest total similarity. Implementations are deterministic: the same matrix gives the same matching.
/// </summary>
public interface ILinearAssignmentSolver
{
    /// <summary>A name for reports and benchmarks.</summary>
    string Name { get; }

    /// <param name="similarity">n×n similarities, row-major: <c>similarity[row * n + column]</c>. Not changed.</param>
    /// <param name="n">Rows and columns.</param>
    /// <returns>For each row, its column: a permutation of 0..n-1.</returns>
    int[] Solve(ReadOnlySpan<float> similarity, int n);
}
