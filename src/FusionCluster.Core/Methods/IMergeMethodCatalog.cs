namespace FusionCluster.Core.Methods;

/// <summary>
/// Finds the implementation of a merge method for a device. Core only knows the C# kernels
/// (<see cref="CpuMergeMethodCatalog"/>); other backends (TorchSharp) plug in here, so Core stays free of them.
/// </summary>
public interface IMergeMethodCatalog
{
    /// <summary>
    /// The implementation of <paramref name="method"/> on <paramref name="device"/> (cpu, cuda or torch-cpu,
    /// never auto). A method the device's backend lacks falls back to the C# kernel.
    /// </summary>
    /// <exception cref="MergeDeviceException">The device cannot run in this process (no CUDA, no torch backend).</exception>
    /// <exception cref="MergeMethodException">The method is unknown.</exception>
    IMergeMethod Resolve(string method, string device);

    /// <summary>
    /// A one-line warning when <paramref name="method"/> would fall back to the C# kernel on
    /// <paramref name="device"/>; null when it runs there natively (or the device is cpu).
    /// </summary>
    string? FallbackNote(string method, string device);
}
