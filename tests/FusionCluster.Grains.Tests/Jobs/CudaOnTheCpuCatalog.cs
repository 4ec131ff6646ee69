using FusionCluster.Core.Methods;
using FusionCluster.Methods.Torch;

namespace FusionCluster.Grains.Tests.Jobs;

/// <summary>Stands in for GPU silos on a machine without one: units of cuda jobs run the torch backend on the CPU.</summary>
internal sealed class CudaOnTheCpuCatalog : IMergeMethodCatalog
{
    private readonly TorchMergeMethodCatalog torch = new(() => null);

    public IMergeMethod Resolve(string method, string device) =>
        torch.Resolve(method, device == MergeDevices.Cuda ? MergeDevices.TorchCpu : device);

    public string? FallbackNote(string method, string device) => torch.FallbackNote(method, device);
}
