using FusionCluster.Core.Methods.Kernels;
using MathNet.Numerics.LinearAlgebra;

namespace FusionCluster.Core.Methods;

/// <summary>
/// Iso-CTS (isotropic merging in common and task-specific subspaces, Marczak et al., ICML 2025), per 2-D tensor of
/// k = min(rows, cols) singular directions: keep the top common_space_fraction·k directions of Σ τ_i, give each task
/// an equal share of the rest (its top directions after projecting the common subspace out of its τ_i), make the
/// stacked left and right vectors orthonormal (polar factors), flatten the spectrum to its mean, and add
/// scaling_factor times the result to the base. Other tensors take base + scaling_factor·mean(τ_i). Sizes are
/// rounded as the reference code does (the task share is divisible by the number of tasks). Defaults follow
/// FusionBench's config: scaling_factor 1.0, common_space_fraction 0.8.
/// </summary>
public sealed class IsoCtsMethod : IMergeMethod
{
    public string Name => "iso_cts";

    public BaseModelUse BaseModel => BaseModelUse.Required;

    public int MinModels => 1;

    public int MaxModels => int.MaxValue;

    public IReadOnlyList<ParameterDefinition> Parameters { get; } =
    [
        ParameterDefinition.Global("scaling_factor", 1.0),
        ParameterDefinition.Global("common_space_fraction", 0.8),
    ];

    public void Merge(MergeTensorContext ctx)
    {
        MethodParameters.RequireBase(ctx, Name);
        var baseTensor = ctx.Base!;
        var scale = MethodParameters.Global(ctx, "scaling_factor", 1.0);
        var fraction = MethodParameters.Global(ctx, "common_space_fraction", 0.8);
        var tasks = ctx.Models.Count;
        if (!TaskMatrix.IsMatrix(ctx) || tasks == 0)
        {
            TaskMatrix.WriteMeanDelta(ctx, baseTensor, scale);
            return;
        }

        var (rows, cols) = TaskMatrix.Size(ctx);
        var (common, perTask) = Split(Math.Min(rows, cols), fraction, tasks);
        var combined = ThinSvd.Of(TaskMatrix.SumOfDeltas(ctx, baseTensor));
        var k = combined.S.Count;
        var u = Matrix<double>.Build.Dense(rows, k);
        var s = Vector<double>.Build.Dense(k);
        var vt = Matrix<double>.Build.Dense(k, cols);
        var commonU = combined.U.SubMatrix(0, rows, 0, common);
        for (var i = 0; i < tasks && perTask > 0; i++)
        {
            var tau = TaskMatrix.Delta(ctx, ctx.Models[i].Tensor, baseTensor);
            var specific = tau - commonU * (commonU.TransposeThisAndMultiply(tau));
            TaskMatrix.Place(ThinSvd.Of(specific), perTask, i * perTask, u, s, vt);
        }
        // The common directions go after the task-specific ones, as in the reference.
        TaskMatrix.Place(combined, common, tasks * perTask, u, s, vt);

        var delta = ThinSvd.Polar(u) * ThinSvd.Polar(vt);
        TaskMatrix.WriteBasePlus(ctx, baseTensor, delta, scale * s.Average());
    }

    /// <summary>
    /// (common, per-task) sizes: common = ⌊k·fraction⌋, then the task share k - common is rounded (half to even,
    /// Python's round) to a multiple of the task count and common takes what is left.
    /// </summary>
    internal static (int Common, int PerTask) Split(int k, double fraction, int tasks)
    {
        var common = (int)(k * fraction);
        var taskTotal = (int)Math.Round((double)(k - common) / tasks, MidpointRounding.ToEven) * tasks;
        if (taskTotal > k)
        {
            // Rounding up past k (a small fraction with more tasks than directions) would leave a negative
            // common space, which the reference does not guard; take the largest multiple that fits.
            taskTotal -= tasks;
        }
        common = k - taskTotal;
        return (common, taskTotal / tasks);
    }
}
