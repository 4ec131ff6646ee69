using FusionCluster.Core.Methods;
using TorchSharp;

namespace FusionCluster.Methods.Torch;

/// <summary>What this process can run the torch backend on.</summary>
public static class TorchDevices
{
    /// <summary>The libtorch this build carries: cpu (TorchSharp-cpu) or cuda (built with -p:TorchBackend=cuda).</summary>
    public const string BuildBackend =
#if TORCH_BACKEND_CUDA
        "cuda";
#else
        "cpu";
#endif

    private static readonly Lazy<bool> CudaAvailable = new(torch.cuda.is_available);

    /// <summary>Null when CUDA can run here; otherwise why not, in one line (for "device cuda: ..." errors).</summary>
    public static string? CudaUnavailableReason()
    {
        if (CudaAvailable.Value)
        {
            return null;
        }

        return BuildBackend == "cuda"
            ? "this host has no CUDA device that libtorch can use (torch.cuda.is_available() is false)"
            : "this host has no libtorch-cuda: this build carries TorchSharp-cpu (torch.cuda.is_available() is false); GPU hosts need a build with -p:TorchBackend=cuda";
    }

    /// <summary>
    /// What auto means on this host: cuda when it can run, otherwise cpu. A CPU-only build or a host
    /// without an NVIDIA device node answers without loading libtorch, so a plain CPU merge never pays for it.
    /// </summary>
    public static string ResolveAuto() =>
        BuildBackend == "cuda" && MayHaveGpu() && CudaAvailable.Value ? MergeDevices.Cuda : MergeDevices.Cpu;

    /// <summary>The torch device a resolved merge device runs on.</summary>
    public static torch.Device For(string device) => device switch
    {
        MergeDevices.Cuda => torch.CUDA,
        MergeDevices.TorchCpu => torch.CPU,
        _ => throw new MergeDeviceException($"device '{device}' does not run on the torch backend"),
    };

    // WSL exposes GPUs as /dev/dxg; native Linux drivers as /dev/nvidiactl and /dev/nvidiaN.
    private static bool MayHaveGpu() =>
        !OperatingSystem.IsLinux() || File.Exists("/dev/nvidiactl") || File.Exists("/dev/nvidia0") || File.Exists("/dev/dxg");
}
