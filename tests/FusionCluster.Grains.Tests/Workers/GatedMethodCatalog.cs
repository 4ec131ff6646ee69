using FusionCluster.Core.Methods;

namespace FusionCluster.Grains.Tests.Workers;

/// <summary>The C# kernels, each running <paramref name="beforeMerge"/> before it merges a tensor: a test's way to make a unit hang or compute slowly.</summary>
internal sealed class GatedMethodCatalog(Action beforeMerge) : IMergeMethodCatalog
{
    public IMergeMethod Resolve(string method, string device) => new Gated(CpuMergeMethodCatalog.Instance.Resolve(method, device), beforeMerge);

    public string? FallbackNote(string method, string device) => null;

    private sealed class Gated(IMergeMethod method, Action beforeMerge) : IMergeMethod
    {
        public string Name => method.Name;

        public BaseModelUse BaseModel => method.BaseModel;

        public int MinModels => method.MinModels;

        public int MaxModels => method.MaxModels;

        public IReadOnlyList<ParameterDefinition> Parameters => method.Parameters;

        public void Merge(MergeTensorContext ctx)
        {
            beforeMerge();
            method.Merge(ctx);
        }
    }
}
