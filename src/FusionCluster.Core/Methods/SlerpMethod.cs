using FusionCluster.Core.Methods.Kernels;

namespace FusionCluster.Core.Methods;

/// <summary>
/// Spherical interpolation from the base (t = 0) to the other model (t = 1), treating the whole tensor as
/// one vector; falls back to linear interpolation when the two are nearly (anti)parallel.
/// </summary>
public sealed class SlerpMethod : IMergeMethod
{
    private const double DotThreshold = 0.9995;
    private const double NormEpsilon = 1e-8;

    public string Name => "slerp";

    public BaseModelUse BaseModel => BaseModelUse.Required;

    public int MinModels => 1;

    public int MaxModels => 1;

    public IReadOnlyList<ParameterDefinition> Parameters { get; } = [ParameterDefinition.RequiredGlobal("t")];

    public void Merge(MergeTensorContext ctx)
    {
        MethodParameters.RequireBase(ctx, Name);
        MethodParameters.RequireModelCount(ctx, Name, MinModels, MaxModels);
        var t = MethodParameters.RequiredGlobal(ctx, "t");
        TensorSource[] sources = [ctx.Base!, ctx.Models[0].Tensor];
        var plan = ChunkPlan.Flat(ctx);
        var g = GramMatrix.Compute(plan, sources, null);
        var (s0, s1) = Coefficients(t, g[0, 0], g[1, 1], g[0, 1]);
        LinearCombination.Write(plan, sources, [s0, s1], null, ctx.Output);
    }

    /// <summary>
    /// Slerp weights of a and c from their squared norms and dot product. Public so that other backends
    /// compute the same coefficients from the same three reductions.
    /// </summary>
    public static (double S0, double S1) Coefficients(double t, double aa, double cc, double ac)
    {
        var na = Math.Sqrt(aa);
        var nc = Math.Sqrt(cc);
        // Vectors with (near) zero norm are used unnormalised, as in mergekit.
        var dot = ac / (na > NormEpsilon ? na : 1) / (nc > NormEpsilon ? nc : 1);
        if (Math.Abs(dot) > DotThreshold)
        {
            return (1 - t, t);
        }
        var theta0 = Math.Acos(dot);
        var sin0 = Math.Sin(theta0);
        return (Math.Sin(theta0 - t * theta0) / sin0, Math.Sin(t * theta0) / sin0);
    }
}
