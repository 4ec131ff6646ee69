using FusionCluster.Core.Methods.Kernels;

namespace FusionCluster.Core.Methods;

/// <summary>
/// Barycentric interpolation on the hypersphere (of task vectors when a base is given): project the unit
/// inputs onto the tangent space at their weighted mean, average there, map back, and scale by the weighted
/// mean norm. All steps stay in the span of the inputs, so they run on coefficients over the Gram matrix.
/// </summary>
public sealed class MultiSlerpMethod : IMergeMethod
{
    public string Name => "multislerp";

    public BaseModelUse BaseModel => BaseModelUse.Optional;

    public int MinModels => 1;

    public int MaxModels => int.MaxValue;

    public IReadOnlyList<ParameterDefinition> Parameters { get; } =
    [
        ParameterDefinition.RequiredPerModel("weight"),
        ParameterDefinition.Global("normalize_weights", 1),
        ParameterDefinition.Global("eps", 1e-8),
    ];

    public void Merge(MergeTensorContext ctx)
    {
        MethodParameters.RequireModelCount(ctx, Name, MinModels, MaxModels);
        var sources = ctx.Models.Select(m => m.Tensor).ToArray();
        var plan = ChunkPlan.Flat(ctx);
        if (sources.Length == 1)
        {
            // mergekit returns the single input unchanged, even with a base.
            LinearCombination.Write(plan, sources, [1.0], null, ctx.Output);
            return;
        }
        var weights = ctx.Models.Select(m => MethodParameters.RequiredPerModel(ctx, m, "weight")).ToArray();
        if (MethodParameters.Flag(ctx, "normalize_weights", true))
        {
            var total = weights.Sum();
            for (var i = 0; i < weights.Length; i++)
            {
                weights[i] /= total;
            }
        }
        var eps = MethodParameters.Global(ctx, "eps", 1e-8);
        var g = GramMatrix.Compute(plan, sources, ctx.Base);
        var coefficients = Coefficients(g, weights, eps)
            ?? throw new MergeMethodException(
                $"tensor '{ctx.TensorName}': multislerp: the weighted sum of the inputs is zero (antipodal inputs with balancing weights); change the 'weight' values");
        LinearCombination.Write(plan, sources, coefficients, ctx.Base, ctx.Output);
    }

    /// <summary>Coefficients of the (base-relative) inputs, or null when the weighted mean direction vanishes.</summary>
    internal static double[]? Coefficients(double[,] g, double[] w, double eps)
    {
        var n = w.Length;
        var norms = new double[n];
        var unit = new double[n]; // u_i = unit[i] · X_i
        for (var i = 0; i < n; i++)
        {
            norms[i] = Math.Sqrt(Math.Max(0, g[i, i]));
            unit[i] = 1 / (norms[i] + eps);
        }
        var mean = new double[n];
        for (var i = 0; i < n; i++)
        {
            mean[i] = w[i] * unit[i];
        }
        var meanNorm = SpanMath.Norm(g, mean);
        if (meanNorm < eps)
        {
            return n == 2 ? [w[0], w[1]] : null;
        }
        for (var i = 0; i < n; i++)
        {
            mean[i] /= meanNorm;
        }

        // T = Σ w_i (u_i - (u_i·m̂) m̂) = Σ w_i u_i - (Σ w_i u_i·m̂) m̂.
        var tangent = new double[n];
        var projection = 0.0;
        var ui = new double[n];
        for (var i = 0; i < n; i++)
        {
            Array.Clear(ui);
            ui[i] = unit[i];
            projection += w[i] * SpanMath.Bilinear(g, ui, mean);
            tangent[i] = w[i] * unit[i];
        }
        for (var i = 0; i < n; i++)
        {
            tangent[i] -= projection * mean[i];
        }
        var tangentNorm = SpanMath.Norm(g, tangent) + eps;
        var averageNorm = 0.0;
        for (var i = 0; i < n; i++)
        {
            averageNorm += norms[i] * w[i];
        }
        var result = new double[n];
        for (var i = 0; i < n; i++)
        {
            result[i] = averageNorm * (mean[i] * Math.Cos(tangentNorm) + tangent[i] * Math.Sin(tangentNorm) / tangentNorm);
        }
        return result;
    }
}
