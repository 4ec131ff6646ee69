namespace FusionCluster.Core.Methods.Kernels;

/// <summary>Small dense linear algebra on coefficient vectors in the span of a set of tensors.</summary>
public static class SpanMath
{
    /// <summary>aᵀ G b.</summary>
    public static double Bilinear(double[,] g, ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double sum = 0;
        for (var i = 0; i < a.Length; i++)
        {
            if (a[i] == 0)
            {
                continue;
            }
            for (var j = 0; j < b.Length; j++)
            {
                sum += a[i] * g[i, j] * b[j];
            }
        }
        return sum;
    }

    /// <summary>‖Σ a_i v_i‖ given the Gram matrix of the v_i (rounding can make the square slightly negative).</summary>
    public static double Norm(double[,] g, ReadOnlySpan<double> a) => Math.Sqrt(Math.Max(0, Bilinear(g, a, a)));
}
