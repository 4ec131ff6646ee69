namespace FusionCluster.Grains.Abstractions;

/// <summary>Every job the cluster knows, newest first; one catalog per cluster (key "default").</summary>
[Alias("fc.IJobCatalogGrain")]
public interface IJobCatalogGrain : IGrainWithStringKey
{
    [Alias("Upsert")]
    Task Upsert(JobSummary job);

    [Alias("List")]
    Task<IReadOnlyList<JobSummary>> List();
}
