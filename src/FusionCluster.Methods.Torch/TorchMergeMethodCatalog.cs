using System.Collections.Concurrent;
using FusionCluster.Core.Methods;

namespace FusionCluster.Methods.Torch;

/// <summary>
/// Method implementations by device: cpu → the C# kernels; torch-cpu and cuda → the torch methods, with
/// the C# kernel standing in for any method the torch backend lacks (the job warns once, see
/// <see cref="FallbackNote"/>). Asking for cuda where CUDA cannot run is a <see cref="MergeDeviceException"/>.
/// </summary>
public sealed class TorchMergeMethodCatalog : IMergeMethodCatalog
{
    private readonly Func<string?> cudaUnavailableReason;
    private readonly ConcurrentDictionary<string, IReadOnlyDictionary<string, IMergeMethod>> byDevice = new(StringComparer.Ordinal);

    public TorchMergeMethodCatalog()
        : this(TorchDevices.CudaUnavailableReason)
    {
    }

    /// <param name="cudaUnavailableReason">Null when CUDA can run here, else why not (tests stand in for the host).</param>
    public TorchMergeMethodCatalog(Func<string?> cudaUnavailableReason) => this.cudaUnavailableReason = cudaUnavailableReason;

    /// <summary>The merge methods the torch backend implements.</summary>
    public static IReadOnlySet<string> TorchMethods { get; } = CreateTorchMethods(MergeDevices.TorchCpu).Keys.ToHashSet(StringComparer.Ordinal);

    public IMergeMethod Resolve(string method, string device)
    {
        switch (device)
        {
            case MergeDevices.Cpu:
                return MergeMethodRegistry.Get(method);
            case MergeDevices.Cuda when cudaUnavailableReason() is { } reason:
                throw new MergeDeviceException($"device cuda: {reason}");
            case MergeDevices.Cuda or MergeDevices.TorchCpu:
                var methods = byDevice.GetOrAdd(device, CreateTorchMethods);
                return methods.TryGetValue(method, out var torchMethod) ? torchMethod : MergeMethodRegistry.Get(method);
            default:
                throw new MergeDeviceException(MergeDevices.Check(device) ?? $"device '{device}' must be resolved to cpu or cuda before a unit runs");
        }
    }

    public string? FallbackNote(string method, string device) =>
        MergeDevices.UsesTorch(device) && !TorchMethods.Contains(method) && MergeMethodRegistry.TryGet(method, out _)
            ? $"merge_method '{method}' has no torch implementation, so it runs on the C# CPU kernels although the job's device is {device} (torch covers {string.Join(", ", TorchMethods.Order(StringComparer.Ordinal))})"
            : null;

    private static IReadOnlyDictionary<string, IMergeMethod> CreateTorchMethods(string device)
    {
        var methods = new Dictionary<string, IMergeMethod>(StringComparer.Ordinal);
        foreach (var name in MergeMethodRegistry.Names)
        {
            IMergeMethod? torchMethod = MergeMethodRegistry.Get(name) switch
            {
                LinearMethod linear => new TorchLinearMethod(linear, device),
                SlerpMethod slerp => new TorchSlerpMethod(slerp, device),
                GeneralizedTaskArithmetic gta when TorchTaskArithmeticMethod.Supports(gta.Sparsifier) => new TorchTaskArithmeticMethod(gta, device),
                _ => null,
            };
            if (torchMethod is not null)
            {
                methods[name] = torchMethod;
            }
        }

        return methods;
    }
}
