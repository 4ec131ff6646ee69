namespace FusionCluster.Dashboard.Security;

/// <summary>The claims a sign-in cookie carries besides the name and role.</summary>
public static class DashboardClaims
{
    /// <summary>The server-side session (<see cref="DashboardSessions"/>) the cookie belongs to; sign-out ends it.</summary>
    public const string Session = "fusion:session";

    /// <summary>
    /// A digest of the user's configured name, role and password hash at sign-in (<see cref="DashboardUserStore.StampOf"/>):
    /// a changed role or password no longer matches it, so the cookie stops working.
    /// </summary>
    public const string Stamp = "fusion:stamp";
}
