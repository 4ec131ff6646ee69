namespace FusionCluster.Core.Methods;

/// <summary>
/// RegMean++ (Nguyen et al., 2025): RegMean's closed-form solve per linear layer (<see cref="RegMeanMergeMethod"/>),
/// with each model's Gram matrix of layer l taken over the inputs that layer sees when the model's data goes
/// through the already merged layers 0 .. l-1 instead of the model's own; so the merge accounts for how earlier
/// layers' merging changes what later layers receive. Layer 0's Gram matrices are RegMean's. The statistics are
/// <see cref="StatisticsKinds.MergedGram"/>, computed layer by layer in the job's statistics phases; the merge units
/// then solve exactly as RegMean's do.
/// </summary>
public sealed class RegMeanPlusPlusMergeMethod : IStatisticsMergeMethod
{
    private readonly RegMeanMergeMethod regMean = new();

    public string Name => "regmean_plus_plus";

    public string StatisticsKind => StatisticsKinds.MergedGram;

    public BaseModelUse BaseModel => regMean.BaseModel;

    public int MinModels => regMean.MinModels;

    public int MaxModels => regMean.MaxModels;

    public IReadOnlyList<ParameterDefinition> Parameters => regMean.Parameters;

    public void Merge(MergeTensorContext ctx) => regMean.Merge(ctx);
}
