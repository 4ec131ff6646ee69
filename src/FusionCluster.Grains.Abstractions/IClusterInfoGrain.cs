namespace FusionCluster.Grains.Abstractions;

/// <summary>The cluster as the dashboard and `fusion silos` see it: active silos, their profile and load.</summary>
[Alias("fc.IClusterInfoGrain")]
public interface IClusterInfoGrain : IGrainWithIntegerKey
{
    [Alias("GetSilos")]
    Task<IReadOnlyList<SiloInfo>> GetSilos();
}
