namespace FusionCluster.Grains.Resources;

/// <summary>Fusion:Resources: how often each silo reads and reports its CPU and memory.</summary>
public sealed class ResourceSamplingOptions
{
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(10);
}
