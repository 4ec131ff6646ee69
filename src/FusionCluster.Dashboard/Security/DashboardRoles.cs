namespace FusionCluster.Dashboard.Security;

/// <summary>The two roles a dashboard user can have (configuration key Fusion:Dashboard:Users:&lt;name&gt;:Role).</summary>
public static class DashboardRoles
{
    /// <summary>Sees everything the dashboard shows; changes nothing.</summary>
    public const string Viewer = "viewer";

    /// <summary>A viewer who may also submit and cancel merges.</summary>
    public const string Operator = "operator";

    public static bool IsKnown(string? role) => role is Viewer or Operator;
}
