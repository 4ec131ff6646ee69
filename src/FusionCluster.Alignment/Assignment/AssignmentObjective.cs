namespace FusionCluster.Alignment.Assignment;

/// <summary>The total similarity of an assignment, summed in double.</summary>
public static class AssignmentObjective
{
    public static double Of(ReadOnlySpan<float> similarity, int n, IReadOnlyList<int> rowToColumn)
    {
        var total = 0.0;
        for (var row = 0; row < n; row++)
        {
            total += similarity[(row * n) + rowToColumn[row]];
        }

        return total;
    }
}
