namespace FusionCluster.Grains.Abstractions;

/// <summary>The recent log lines of one silo, keyed by that silo's address (SiloAddress.ToParsableString()) and placed on it.</summary>
[Alias("fc.ISiloLogGrain")]
public interface ISiloLogGrain : IGrainWithStringKey
{
    /// <summary>At most <paramref name="max"/> of the newest lines, oldest first.</summary>
    [Alias("GetRecent")]
    Task<IReadOnlyList<SiloLogLine>> GetRecent(int max);
}
