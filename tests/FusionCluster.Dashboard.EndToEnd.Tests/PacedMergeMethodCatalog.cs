using FusionCluster.Core.Methods;

namespace FusionCluster.Dashboard.EndToEnd.Tests;

/// <summary>
/// The C# kernels, each tensor's merge held for <paramref name="pause"/> first: on an idle machine a small merge
/// finishes before a test can kill the silo running it, so the silo-failure test paces the units instead of
/// growing the models. The merged bytes are the kernels' own.
/// </summary>
internal sealed class PacedMergeMethodCatalog(TimeSpan pause) : IMergeMethodCatalog
{
    public IMergeMethod Resolve(string method, string device) => new PacedMergeMethod(CpuMergeMethodCatalog.Instance.Resolve(method, device), pause);

    public string? FallbackNote(string method, string device) => CpuMergeMethodCatalog.Instance.FallbackNote(method, device);
}
