namespace FusionCluster.Core.Tests.Methods;

/// <summary>
/// Matrices with a known SVD, built by hand for the spectral methods' tests: orthonormal bases by Gram-Schmidt
/// (independent of the library the methods use) and Σ σ_j·u_j·v_jᵀ written row-major.
/// </summary>
internal static class SpectralCases
{
    /// <summary>count orthonormal vectors of length n from a seeded random start.</summary>
    public static double[][] Basis(int n, int count, int seed)
    {
        var rng = new Random(seed);
        var basis = new List<double[]>();
        while (basis.Count < count)
        {
            var v = Enumerable.Range(0, n).Select(_ => rng.NextDouble() * 2 - 1).ToArray();
            foreach (var b in basis)
            {
                var dot = v.Zip(b, (x, y) => x * y).Sum();
                for (var i = 0; i < n; i++)
                {
                    v[i] -= dot * b[i];
                }
            }
            var norm = Math.Sqrt(v.Sum(x => x * x));
            basis.Add(v.Select(x => x / norm).ToArray());
        }
        return basis.ToArray();
    }

    /// <summary>Σ_j sigma[j]·u[j]·v[j]ᵀ as a row-major rows×cols array.</summary>
    public static double[] Compose(double[] sigma, double[][] u, double[][] v)
    {
        var rows = u[0].Length;
        var cols = v[0].Length;
        var m = new double[rows * cols];
        for (var j = 0; j < sigma.Length; j++)
        {
            for (var r = 0; r < rows; r++)
            {
                for (var c = 0; c < cols; c++)
                {
                    m[r * cols + c] += sigma[j] * u[j][r] * v[j][c];
                }
            }
        }
        return m;
    }

    public static float[] Plus(float[] a, double[] b) => a.Select((x, i) => (float)(x + b[i])).ToArray();

    public static float[] Plus(float[] a, float[] b) => a.Select((x, i) => x + b[i]).ToArray();
}
