namespace FusionCluster.Grains.Abstractions;

/// <summary>
/// A silo process's CPU and memory (and its GPU's, where the silo runs CUDA units) at one moment, or averaged over a
/// stretch of time once the history has thinned it (<see cref="Readings"/> > 1).
/// </summary>
[GenerateSerializer, Immutable, Alias("fc.SiloResourceSample")]
public sealed record SiloResourceSample
{
    /// <summary>When the reading was taken; for a thinned sample, the start of the stretch it stands for.</summary>
    [Id(0)] public required DateTimeOffset At { get; init; }

    /// <summary>The process's CPU time over the wall time since the previous reading, as a share of all the host's cores (0-100).</summary>
    [Id(1)] public double CpuPercent { get; init; }

    /// <summary>The process's working set (resident memory); the stretch's peak for a thinned sample.</summary>
    [Id(2)] public long WorkingSetBytes { get; init; }

    /// <summary>GPU memory in use on the silo's GPU; null where the silo has none (or its driver cannot be read). The peak for a thinned sample.</summary>
    [Id(3)] public long? GpuMemoryBytes { get; init; }

    /// <summary>The GPU's busy share (0-100); null where the silo has no GPU.</summary>
    [Id(4)] public double? GpuUtilizationPercent { get; init; }

    /// <summary>How many readings this sample stands for (1 for a fresh one).</summary>
    [Id(5)] public int Readings { get; init; } = 1;
}
