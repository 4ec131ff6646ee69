namespace FusionCluster.Client;

public static class FusionClusterIdentity
{
    /// <summary>Orleans service id of every FusionCluster; clusters differ by cluster id.</summary>
    public const string ServiceId = "fusion";

    /// <summary>The cluster id silos, clients and the dashboard use when none is given.</summary>
    public const string DefaultClusterId = "fusion-local";
}
