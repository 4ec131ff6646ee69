namespace FusionCluster.Dashboard.Security;

/// <summary>Authorization policy names; every page needs <see cref="Viewer"/> (the fallback policy), changes need <see cref="Operator"/>.</summary>
public static class DashboardPolicies
{
    public const string Viewer = "viewer";

    public const string Operator = "operator";
}
