namespace FusionCluster.Core.Methods;

/// <summary>
/// RAM (Reinforced Agent Merging, arXiv 2601.13572; mergekit's <c>ram</c>): per element, the task vectors with
/// |δ| &gt; epsilon are the contributions; a single contribution is kept whole, several are averaged, none keeps the base.
/// </summary>
public sealed class RamMethod : IMergeMethod
{
    public string Name => "ram";

    public BaseModelUse BaseModel => BaseModelUse.Required;

    public int MinModels => 1;

    public int MaxModels => int.MaxValue;

    public IReadOnlyList<ParameterDefinition> Parameters { get; } = [ParameterDefinition.Global("epsilon", 1e-5)];

    public void Merge(MergeTensorContext ctx)
    {
        MethodParameters.RequireBase(ctx, Name);
        var epsilon = MethodParameters.Global(ctx, "epsilon", 1e-5);
        RamPartition.Merge(ctx, ctx.Base!, epsilon, Enumerable.Repeat(1.0, ctx.Models.Count).ToArray());
    }
}
