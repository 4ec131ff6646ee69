namespace FusionCluster.Core.Methods;

/// <summary>
/// Fisher merging (Matena and Raffel, NeurIPS 2022): every parameter is the average of the models' values weighted by
/// their diagonal Fisher information (<see cref="ModelTensor.Statistics"/>, from the job's statistics phase),
/// θ = Σ (F_i + ε) θ_i / Σ (F_i + ε), in float64. ε (<c>minimal_fisher_weight</c>) keeps a parameter no model's data
/// moves (all F_i = 0) at the plain average.
/// </summary>
public sealed class FisherMergeMethod : IStatisticsMergeMethod
{
    public const double DefaultEpsilon = 1e-8;

    public string Name => "fisher";

    public string StatisticsKind => StatisticsKinds.Fisher;

    public BaseModelUse BaseModel => BaseModelUse.NotUsed;

    public int MinModels => 1;

    public int MaxModels => int.MaxValue;

    public IReadOnlyList<ParameterDefinition> Parameters { get; } =
    [
        ParameterDefinition.Global("minimal_fisher_weight", DefaultEpsilon),
        ParameterDefinition.Global(StatisticsSamples.Parameter, StatisticsSamples.Default),
    ];

    public void Merge(MergeTensorContext ctx)
    {
        MethodParameters.RequireModelCount(ctx, Name, MinModels, MaxModels);
        foreach (var model in ctx.Models)
        {
            if (model.Statistics is not { } fisher || fisher.ElementCount != ctx.ElementCount)
            {
                throw new MergeMethodException($"tensor '{ctx.TensorName}': model '{model.Model}' has no Fisher of the tensor's {ctx.ElementCount} elements");
            }
        }

        var epsilon = MethodParameters.Global(ctx, "minimal_fisher_weight", DefaultEpsilon);
        ctx.Output.Write(0, WeightedAverage(ctx.Models.Select(m => m.Tensor.ReadAll()).ToList(), ctx.Models.Select(m => m.Statistics!.ReadAll()).ToList(), epsilon));
    }

    /// <summary>Σ (F_i + ε) θ_i / Σ (F_i + ε), element-wise, in float64.</summary>
    public static float[] WeightedAverage(IReadOnlyList<float[]> values, IReadOnlyList<float[]> fishers, double epsilon)
    {
        var result = new float[values[0].Length];
        for (var e = 0; e < result.Length; e++)
        {
            var numerator = 0.0;
            var denominator = 0.0;
            for (var i = 0; i < values.Count; i++)
            {
                var weight = fishers[i][e] + epsilon;
                numerator += weight * values[i][e];
                denominator += weight;
            }

            result[e] = (float)(numerator / denominator);
        }

        return result;
    }
}
