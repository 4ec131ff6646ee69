namespace FusionCluster.Dashboard.Hosting;

/// <summary>How the dashboard reaches the grains (Fusion:Dashboard:Mode).</summary>
public enum DashboardMode
{
    /// <summary>Co-hosts a single-machine silo (in-memory state): `fusion dashboard` without a cluster, and tests.</summary>
    Embedded,

    /// <summary>An Orleans client of a cluster found through its Redis membership table (Fusion:Cluster:Redis).</summary>
    Cluster,
}
