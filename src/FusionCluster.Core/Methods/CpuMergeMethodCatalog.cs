namespace FusionCluster.Core.Methods;

/// <summary>The C# kernels of <see cref="MergeMethodRegistry"/>: device cpu only.</summary>
public sealed class CpuMergeMethodCatalog : IMergeMethodCatalog
{
    public static CpuMergeMethodCatalog Instance { get; } = new();

    public IMergeMethod Resolve(string method, string device) => device == MergeDevices.Cpu
        ? MergeMethodRegistry.Get(method)
        : throw new MergeDeviceException(
            $"device '{device}': this process has no torch merge backend, so merge_method '{method}' can only run on device cpu");

    public string? FallbackNote(string method, string device) => null;
}
