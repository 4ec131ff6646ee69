namespace FusionCluster.Grains;

public static class FusionClusterIdentity
{
    /// <summary>Orleans service id of every FusionCluster; clusters differ by cluster id.</summary>
    public const string ServiceId = "fusion";
}
