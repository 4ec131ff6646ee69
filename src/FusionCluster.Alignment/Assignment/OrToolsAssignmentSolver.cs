using Google.OrTools.Graph;

namespace FusionCluster.Alignment.Assignment;

/// <summary>
/// Google OR-Tools' LinearSumAssignment (Goldberg and Kennedy's cost-scaling push-relabel), the reference
/// the other solvers are tested against. It needs integer costs: each similarity s becomes
/// cost = −round(s / max|s| · 2^30), so costs stay within ±2^30 (OR-Tools multiplies them by n + 1
/// internally, which stays far from overflow for any n that fits in memory) and the quantisation error
/// of one entry is at most max|s| · 2^-31: the matching found is optimal for the float similarities to
/// within n · max|s| · 2^-30 of total similarity. It holds n² arcs, about 40 bytes each, so it is a
/// reference for moderate n, not for 11008+ units.
/// </summary>
public sealed class OrToolsAssignmentSolver : ILinearAssignmentSolver
{
    /// <summary>The largest integer cost magnitude the similarities are scaled to.</summary>
    public const long CostScale = 1L << 30;

    public string Name => "ortools";

    public int[] Solve(ReadOnlySpan<float> similarity, int n)
    {
        AssignmentInput.Check(similarity, n);
        if (n == 0)
        {
            return [];
        }

        var largest = 0f;
        foreach (var value in similarity)
        {
            largest = Math.Max(largest, Math.Abs(value));
        }

        var scale = largest > 0 ? CostScale / (double)largest : 0;
        using var assignment = new LinearSumAssignment();
        for (var row = 0; row < n; row++)
        {
            var rowValues = similarity.Slice(row * n, n);
            for (var column = 0; column < n; column++)
            {
                assignment.AddArcWithCost(row, column, -(long)Math.Round(rowValues[column] * scale));
            }
        }

        var status = assignment.Solve();
        if (status != LinearSumAssignment.Status.OPTIMAL)
        {
            throw new InvalidOperationException($"OR-Tools LinearSumAssignment ended with {status} on a {n}×{n} matrix");
        }

        var rowToColumn = new int[n];
        for (var row = 0; row < n; row++)
        {
            rowToColumn[row] = assignment.RightMate(row);
        }

        return rowToColumn;
    }
}
