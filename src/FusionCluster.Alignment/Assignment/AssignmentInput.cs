namespace FusionCluster.Alignment.Assignment;

/// <summary>Checks shared by the solvers.</summary>
internal static class AssignmentInput
{
    public static void Check(ReadOnlySpan<float> similarity, int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        if ((long)n * n != similarity.Length)
        {
            throw new ArgumentException($"a {n}×{n} assignment needs {(long)n * n} similarities, got {similarity.Length}", nameof(similarity));
        }

        foreach (var value in similarity)
        {
            if (!float.IsFinite(value))
            {
                throw new ArgumentException("similarities must be finite (found NaN or infinity)", nameof(similarity));
            }
        }
    }
}
