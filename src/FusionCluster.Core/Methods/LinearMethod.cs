using FusionCluster.Core.Methods.Kernels;

namespace FusionCluster.Core.Methods;

/// <summary>Weighted average: out = Σ w_i x_i (/ Σ w_i when normalize). Like mergekit, Σw = 0 is not guarded.</summary>
public sealed class LinearMethod : IMergeMethod
{
    public string Name => "linear";

    public BaseModelUse BaseModel => BaseModelUse.NotUsed;

    public int MinModels => 1;

    public int MaxModels => int.MaxValue;

    public IReadOnlyList<ParameterDefinition> Parameters { get; } =
    [
        ParameterDefinition.RequiredPerModel("weight"),
        ParameterDefinition.Global("normalize", 1),
    ];

    public void Merge(MergeTensorContext ctx) =>
        LinearCombination.Write(ChunkPlan.Flat(ctx), ctx.Models.Select(m => m.Tensor).ToArray(), Weights(ctx), null, ctx.Output);

    /// <summary>Each model's coefficient: its weight, divided by the weights' sum when normalize (every backend uses these).</summary>
    public double[] Weights(MergeTensorContext ctx)
    {
        MethodParameters.RequireModelCount(ctx, Name, MinModels, MaxModels);
        var weights = ctx.Models.Select(m => MethodParameters.RequiredPerModel(ctx, m, "weight")).ToArray();
        if (MethodParameters.Flag(ctx, "normalize", true))
        {
            var total = weights.Sum();
            for (var i = 0; i < weights.Length; i++)
            {
                weights[i] /= total;
            }
        }

        return weights;
    }
}
