namespace FusionCluster.Cli.Commands;

public static class DeviceChoice
{
    /// <summary>
    /// The merge engine runs its methods as vectorised, chunked CPU kernels (deterministic whatever the
    /// core count). There is no CUDA engine in this build, so asking for one is an error rather than a silent CPU run.
    /// </summary>
    public static string? Validate(string device) => device switch
    {
        "auto" or "cpu" => null,
        "cuda" => "--device cuda: this build has no CUDA merge engine; use --device cpu (or auto)",
        _ => $"--device {device}: expected auto, cpu or cuda",
    };
}
