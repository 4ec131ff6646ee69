using FusionCluster.Core.Methods.Kernels;
using MathNet.Numerics.LinearAlgebra;

namespace FusionCluster.Core.Methods;

/// <summary>
/// TSV-M (Task Singular Vectors merge, Gargiulo et al., CVPR 2025), per 2-D tensor of k = min(rows, cols) singular
/// directions and T tasks: keep each task vector's top ⌊k/T⌋ singular triplets, stack them (U = [U_1 … U_T],
/// S, Vᵀ = [V_1ᵀ; …; V_Tᵀ]), decorrelate the stacks by replacing U and Vᵀ with their orthogonal polar factors, and
/// add alpha·U·diag(S)·Vᵀ to the base. Other tensors take base + alpha·mean(τ_i). alpha defaults to 1 (FusionBench's
/// config and the paper).
/// </summary>
public sealed class TsvMergeMethod : IMergeMethod
{
    public string Name => "tsv_m";

    public BaseModelUse BaseModel => BaseModelUse.Required;

    public int MinModels => 1;

    public int MaxModels => int.MaxValue;

    public IReadOnlyList<ParameterDefinition> Parameters { get; } = [ParameterDefinition.Global("alpha", 1.0)];

    public void Merge(MergeTensorContext ctx)
    {
        MethodParameters.RequireBase(ctx, Name);
        var baseTensor = ctx.Base!;
        var alpha = MethodParameters.Global(ctx, "alpha", 1.0);
        var tasks = ctx.Models.Count;
        if (!TaskMatrix.IsMatrix(ctx) || tasks == 0)
        {
            TaskMatrix.WriteMeanDelta(ctx, baseTensor, alpha);
            return;
        }

        var (rows, cols) = TaskMatrix.Size(ctx);
        var k = Math.Min(rows, cols);
        // int(k · (1/T)) exactly as the reference computes it in float64, so the kept rank matches it.
        var perTask = (int)(k * (1.0 / tasks));
        var u = Matrix<double>.Build.Dense(rows, k);
        var s = Vector<double>.Build.Dense(k);
        var vt = Matrix<double>.Build.Dense(k, cols);
        for (var i = 0; i < tasks; i++)
        {
            var svd = ThinSvd.Of(TaskMatrix.Delta(ctx, ctx.Models[i].Tensor, baseTensor));
            TaskMatrix.Place(svd, perTask, i * perTask, u, s, vt);
        }
        if (perTask == 0)
        {
            ctx.Warn($"tensor '{ctx.TensorName}': tsv_m keeps ⌊{k}/{tasks}⌋ = 0 singular directions per task, so the tensor stays the base");
        }

        var delta = ThinSvd.Polar(u) * Matrix<double>.Build.DiagonalOfDiagonalVector(s) * ThinSvd.Polar(vt);
        TaskMatrix.WriteBasePlus(ctx, baseTensor, delta, alpha);
    }
}
