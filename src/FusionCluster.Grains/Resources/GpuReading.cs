namespace FusionCluster.Grains.Resources;

/// <summary>The silo's GPUs at one moment: memory in use (summed) and busy share (averaged over them).</summary>
public sealed record GpuReading(long MemoryUsedBytes, double UtilizationPercent);
