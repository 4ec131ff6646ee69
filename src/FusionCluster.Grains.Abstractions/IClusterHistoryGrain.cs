namespace FusionCluster.Grains.Abstractions;

/// <summary>
/// The cluster's throughput and units in flight over the last day, one sample a minute, persisted (it outlives
/// dashboards and silos). Dashboards record what they poll; samples closer than a minute apart are dropped, so
/// several dashboards record no more than one.
/// </summary>
[Alias("fc.IClusterHistoryGrain")]
public interface IClusterHistoryGrain : IGrainWithIntegerKey
{
    [Alias("Record")]
    Task Record(ClusterSample sample);

    /// <summary>The kept samples, oldest first.</summary>
    [Alias("GetHistory")]
    Task<IReadOnlyList<ClusterSample>> GetHistory();
}
