using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Grains.Catalog;

[GenerateSerializer, Alias("fc.JobCatalogState")]
public sealed class JobCatalogState
{
    [Id(0)] public List<JobSummary> Jobs { get; set; } = [];
}
