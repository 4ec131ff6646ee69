using FusionCluster.Core.Methods;

namespace FusionCluster.Dashboard.EndToEnd.Tests;

/// <summary>A merge method that waits <paramref name="pause"/> before each tensor, then merges it as <paramref name="inner"/> does.</summary>
internal sealed class PacedMergeMethod(IMergeMethod inner, TimeSpan pause) : IMergeMethod
{
    public string Name => inner.Name;

    public BaseModelUse BaseModel => inner.BaseModel;

    public int MinModels => inner.MinModels;

    public int MaxModels => inner.MaxModels;

    public IReadOnlyList<ParameterDefinition> Parameters => inner.Parameters;

    public void Merge(MergeTensorContext ctx)
    {
        Thread.Sleep(pause);
        inner.Merge(ctx);
    }
}
