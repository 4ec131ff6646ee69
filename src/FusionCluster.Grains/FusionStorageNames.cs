namespace FusionCluster.Grains;

public static class FusionStorageNames
{
    /// <summary>Grain storage for jobs and the catalog (Redis in a cluster, memory when embedded).</summary>
    public const string Jobs = "fusion";
}
