namespace FusionCluster.Core.Methods;

/// <summary>
/// Layer-wise AdaMerging (Yang et al., ICLR 2024) in merge jobs: θ_k = θ0_k + Σ_i λ_ik (θ_ik − θ0_k), with λ_ik
/// learned per model and tensor by the job's coefficient unit (entropy minimisation on each model's unlabelled
/// held-out data, through the model's own last layer as its task head, as the paper keeps heads per task) and handed
/// to each tensor as a one-element <see cref="ModelTensor.Statistics"/>. Tensors without a learned coefficient (the
/// last layer: the heads are not merged by the paper) take the paper's initial λ = <see cref="InitialCoefficient"/>.
/// Llama checkpoints have one λ per model and group (embeddings, each decoder block, final norm with lm_head), learned
/// on each model's text, so every tensor has one.
/// Summed in float64 in the order the in-process method sums (base, then each model's scaled difference).
/// </summary>
public sealed class AdaMergingMergeMethod : IStatisticsMergeMethod
{
    /// <summary>The paper's initial coefficient.</summary>
    public const double InitialCoefficient = 0.3;

    public string Name => "adamerging";

    public string StatisticsKind => StatisticsKinds.Coefficients;

    public BaseModelUse BaseModel => BaseModelUse.Required;

    public int MinModels => 1;

    public int MaxModels => int.MaxValue;

    public IReadOnlyList<ParameterDefinition> Parameters { get; } =
    [
        ParameterDefinition.Global("steps", 100),
        ParameterDefinition.Global("batch_size", 16),
        ParameterDefinition.Global("lr", 1e-3),
        ParameterDefinition.Global("seed", 1),
        // Llama checkpoints: the token windows drawn from each fine-tune's text (classifiers learn on every held-out input).
        ParameterDefinition.Global(StatisticsSamples.Parameter, StatisticsSamples.Default),
    ];

    public void Merge(MergeTensorContext ctx)
    {
        MethodParameters.RequireModelCount(ctx, Name, MinModels, MaxModels);
        var baseTensor = ctx.Base ?? throw new MergeMethodException($"tensor '{ctx.TensorName}': adamerging needs base_model");
        var values = baseTensor.ReadAll();
        var sums = new double[values.Length];
        for (var e = 0; e < sums.Length; e++)
        {
            sums[e] = values[e];
        }

        foreach (var model in ctx.Models)
        {
            double coefficient = model.Statistics is { } learned ? learned.ReadAll()[0] : InitialCoefficient;
            var tensor = model.Tensor.ReadAll();
            for (var e = 0; e < sums.Length; e++)
            {
                sums[e] += ((double)tensor[e] - values[e]) * coefficient;
            }
        }

        var result = new float[sums.Length];
        for (var e = 0; e < result.Length; e++)
        {
            result[e] = (float)sums[e];
        }

        ctx.Output.Write(0, result);
    }
}
