namespace FusionCluster.Grains.Abstractions.Sweeps;

/// <summary>Every sweep of the cluster (key "default"), for fusion sweep list and the dashboard.</summary>
[Alias("fc.ISweepCatalogGrain")]
public interface ISweepCatalogGrain : IGrainWithStringKey
{
    [Alias("Upsert")]
    Task Upsert(SweepSummary sweep);

    [Alias("Remove")]
    Task Remove(string sweepId);

    [Alias("List")]
    Task<IReadOnlyList<SweepSummary>> List();
}
