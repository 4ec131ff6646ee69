using FusionCluster.Core.Methods.Kernels;

namespace FusionCluster.Core.Methods;

/// <summary>
/// Equal-weight Karcher (Riemannian) mean of the inputs' directions on the unit sphere, scaled by their mean
/// norm. Every iterate is a combination of the unit inputs, so the iteration runs on coefficient vectors
/// with the inputs' Gram matrix (one pass over the data) and the result is written in a second pass.
/// </summary>
public sealed class KarcherMethod : IMergeMethod
{
    public string Name => "karcher";

    public BaseModelUse BaseModel => BaseModelUse.NotUsed;

    public int MinModels => 1;

    public int MaxModels => int.MaxValue;

    public IReadOnlyList<ParameterDefinition> Parameters { get; } =
    [
        ParameterDefinition.Global("max_iter", 10),
        ParameterDefinition.Global("tol", 1e-5),
    ];

    public void Merge(MergeTensorContext ctx)
    {
        MethodParameters.RequireModelCount(ctx, Name, MinModels, MaxModels);
        var maxIter = (int)MethodParameters.Global(ctx, "max_iter", 10);
        var tol = MethodParameters.Global(ctx, "tol", 1e-5);
        var sources = ctx.Models.Select(m => m.Tensor).ToArray();
        var plan = ChunkPlan.Flat(ctx);
        var coefficients = sources.Length == 1
            ? [1.0]
            : Coefficients(GramMatrix.Compute(plan, sources, null), maxIter, tol);
        LinearCombination.Write(plan, sources, coefficients, null, ctx.Output);
    }

    /// <summary>Coefficients c with out = Σ c_i x_i, from the Gram matrix g of the x_i.</summary>
    internal static double[] Coefficients(double[,] g, int maxIter, double tol)
    {
        var n = g.GetLength(0);
        var norms = new double[n];
        for (var i = 0; i < n; i++)
        {
            norms[i] = Math.Sqrt(Math.Max(0, g[i, i]));
        }
        var valid = Enumerable.Range(0, n).Where(i => norms[i] > tol).ToArray();
        if (valid.Length == 0)
        {
            return new double[n];
        }

        // Gram matrix of the unit vectors u_i = x_i / n_i.
        var gu = new double[n, n];
        foreach (var i in valid)
        {
            foreach (var j in valid)
            {
                gu[i, j] = g[i, j] / (norms[i] * norms[j]);
            }
        }
        // Inputs are equally weighted (α = 1/N); α renormalised over the valid ones.
        var alpha = 1.0 / valid.Length;
        var mean = new double[n];
        foreach (var i in valid)
        {
            mean[i] = alpha;
        }
        var meanNorm = SpanMath.Norm(gu, mean);
        if (meanNorm < tol)
        {
            Array.Clear(mean);
            mean[valid[0]] = 1;
        }
        else
        {
            Scale(mean, 1 / meanNorm);
        }

        var tangent = new double[n];
        var column = new double[n];
        for (var iter = 0; iter < maxIter; iter++)
        {
            Array.Clear(tangent);
            foreach (var i in valid)
            {
                Array.Clear(column);
                column[i] = 1;
                var dot = Math.Clamp(SpanMath.Bilinear(gu, mean, column), -1, 1);
                var theta = Math.Acos(dot);
                if (theta < tol)
                {
                    continue;
                }
                var f = alpha * theta / Math.Sin(theta);
                for (var j = 0; j < n; j++)
                {
                    tangent[j] -= f * dot * mean[j];
                }
                tangent[i] += f;
            }
            var tangentNorm = SpanMath.Norm(gu, tangent);
            if (tangentNorm < tol)
            {
                break;
            }
            var (cos, sin) = (Math.Cos(tangentNorm), Math.Sin(tangentNorm));
            for (var j = 0; j < n; j++)
            {
                mean[j] = cos * mean[j] + sin * tangent[j] / tangentNorm;
            }
            var unitNorm = SpanMath.Norm(gu, mean);
            if (unitNorm > tol)
            {
                Scale(mean, 1 / unitNorm);
            }
        }

        // Scale by the mean norm over all inputs, zero-norm ones included.
        var scale = norms.Sum() / n;
        var result = new double[n];
        foreach (var i in valid)
        {
            result[i] = scale * mean[i] / norms[i];
        }
        return result;
    }

    private static void Scale(double[] v, double f)
    {
        for (var i = 0; i < v.Length; i++)
        {
            v[i] *= f;
        }
    }
}
