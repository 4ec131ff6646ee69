using FusionCluster.Core.Methods;
using FusionCluster.Methods.Torch;

namespace FusionCluster.Cli.Commands;

/// <summary>
/// --device: cpu runs the C# kernels (deterministic whatever the core count), cuda the torch backend on a
/// GPU, auto picks cuda where it can run. torch-cpu, the torch backend on the CPU, is accepted but not
/// advertised: it is how tests and CI exercise the torch path.
/// </summary>
public static class DeviceChoice
{
    public const string Description = "auto, cpu or cuda (auto: cuda when this host's libtorch can use a GPU, else cpu)";

    /// <summary>The device a merge on this host runs on, or the one-line reason it cannot.</summary>
    /// <param name="cudaUnavailableReason">Null when CUDA can run here (default: ask libtorch).</param>
    public static (string? Device, string? Error) ForThisHost(string requested, Func<string?>? cudaUnavailableReason = null)
    {
        switch (requested)
        {
            case MergeDevices.Cpu or MergeDevices.TorchCpu:
                return (requested, null);
            case MergeDevices.Auto:
                return (TorchDevices.ResolveAuto(), null);
            case MergeDevices.Cuda:
                return (cudaUnavailableReason ?? TorchDevices.CudaUnavailableReason)() is { } reason
                    ? (null, $"--device cuda: {reason}; nothing was merged (use --device cpu)")
                    : (MergeDevices.Cuda, null);
            default:
                return (null, Unknown(requested));
        }
    }

    /// <summary>An error for a device no cluster knows, or null (the cluster resolves auto and checks cuda itself).</summary>
    public static string? CheckForCluster(string requested) => MergeDevices.IsKnown(requested) ? null : Unknown(requested);

    private static string Unknown(string requested) => $"--device {requested}: expected auto, cpu or cuda";
}
