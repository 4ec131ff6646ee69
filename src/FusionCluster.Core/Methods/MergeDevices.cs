namespace FusionCluster.Core.Methods;

/// <summary>
/// Where a job's merge methods run. A job resolves its device once, before any unit runs, and every unit
/// uses it, so the output bytes never depend on which silo ran a unit.
/// </summary>
public static class MergeDevices
{
    /// <summary>The vectorised C# kernels (the default, and what every silo can run).</summary>
    public const string Cpu = "cpu";

    /// <summary>The TorchSharp backend on a CUDA GPU; needs libtorch-cuda and a GPU on the silo that runs a unit.</summary>
    public const string Cuda = "cuda";

    /// <summary>
    /// The TorchSharp backend on the CPU. Not advertised: it exists so that tests and CI, which have no
    /// GPU, run the same torch code a CUDA job runs.
    /// </summary>
    public const string TorchCpu = "torch-cpu";

    /// <summary>cuda where it can run, otherwise cpu; never sent to a worker (it is resolved first).</summary>
    public const string Auto = "auto";

    /// <summary>The devices a unit can be assigned (auto resolved to one of them).</summary>
    public static IReadOnlyList<string> Resolved { get; } = [Cpu, Cuda, TorchCpu];

    public static bool IsKnown(string device) => device is Auto || Resolved.Contains(device);

    /// <summary>An error naming the value and the choices, or null when <paramref name="device"/> is known.</summary>
    public static string? Check(string device) =>
        IsKnown(device) ? null : $"device '{device}': expected {Auto}, {Cpu} or {Cuda}";

    /// <summary>True when the device runs on the torch backend rather than the C# kernels.</summary>
    public static bool UsesTorch(string device) => device is Cuda or TorchCpu;
}
