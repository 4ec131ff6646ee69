using FusionCluster.Core.Methods;
using FusionCluster.Methods.Torch;
using static TorchSharp.torch;

namespace FusionCluster.Language;

/// <summary>Where language models run: cpu, cuda, or auto (cuda when this host's libtorch can use a GPU).</summary>
public static class LanguageDevice
{
    public const string Description = "auto, cpu or cuda (auto: cuda when this host's libtorch can use a GPU, else cpu)";

    public static Device Resolve(string name) => name switch
    {
        MergeDevices.Cpu => CPU,
        MergeDevices.Auto => TorchDevices.ResolveAuto() == MergeDevices.Cuda ? CUDA : CPU,
        MergeDevices.Cuda => TorchDevices.CudaUnavailableReason() is { } reason
            ? throw new LanguageModelException($"--device cuda: {reason} (use --device cpu)")
            : CUDA,
        _ => throw new ArgumentException($"--device {name}: expected auto, cpu or cuda", nameof(name)),
    };
}
