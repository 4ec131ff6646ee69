using FusionCluster.Core.Methods.Kernels;

namespace FusionCluster.Core.Methods;

/// <summary>
/// Iso-C (isotropic merging in the common subspace, Marczak et al., ICML 2025): per 2-D tensor, the sum of the task
/// vectors Δ = Σ τ_i = U·diag(σ)·Vᵀ has its spectrum flattened to the mean singular value, Δ_iso = mean(σ)·U·Vᵀ, and
/// out = base + scaling_factor·Δ_iso. Other tensors take base + scaling_factor·mean(τ_i). Defaults follow FusionBench's
/// config (scaling_factor 1.0; its CLIP table uses 1.5, chosen on validation data).
/// </summary>
public sealed class IsoCMethod : IMergeMethod
{
    public string Name => "iso_c";

    public BaseModelUse BaseModel => BaseModelUse.Required;

    public int MinModels => 1;

    public int MaxModels => int.MaxValue;

    public IReadOnlyList<ParameterDefinition> Parameters { get; } = [ParameterDefinition.Global("scaling_factor", 1.0)];

    public void Merge(MergeTensorContext ctx)
    {
        MethodParameters.RequireBase(ctx, Name);
        var scale = MethodParameters.Global(ctx, "scaling_factor", 1.0);
        if (!TaskMatrix.IsMatrix(ctx) || ctx.Models.Count == 0)
        {
            TaskMatrix.WriteMeanDelta(ctx, ctx.Base!, scale);
            return;
        }

        var svd = ThinSvd.Of(TaskMatrix.SumOfDeltas(ctx, ctx.Base!));
        var isotropic = svd.U * svd.VT;
        TaskMatrix.WriteBasePlus(ctx, ctx.Base!, isotropic, scale * svd.S.Average());
    }
}
