namespace FusionCluster.Grains.Abstractions;

/// <summary>
/// Every silo's CPU and memory (and GPU) over the last day: each silo reports a reading every few seconds
/// (<c>SiloResourceSampler</c>); older readings are thinned into minute and ten-minute averages, so the history
/// stays bounded. One grain for the cluster (key 0), persisted: a silo that died keeps its history.
/// </summary>
[Alias("fc.ISiloResourceGrain")]
public interface ISiloResourceGrain : IGrainWithIntegerKey
{
    [Alias("Record")]
    Task Record(string silo, SiloResourceSample sample);

    /// <summary>Each silo's kept samples (oldest first), silos by name.</summary>
    [Alias("GetHistory")]
    Task<IReadOnlyList<SiloResourceHistory>> GetHistory();
}
