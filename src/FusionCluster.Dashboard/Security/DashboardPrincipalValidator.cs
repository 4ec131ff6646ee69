using System.Security.Claims;

namespace FusionCluster.Dashboard.Security;

/// <summary>
/// Decides whether a signed-in principal (from a cookie, or held by an open Blazor circuit) still stands:
/// its session is open on this run, its user is still configured, with the same role and password hash.
/// </summary>
public sealed class DashboardPrincipalValidator(DashboardUserStore users, DashboardSessions sessions)
{
    /// <summary>Null when the principal stands, else why not (for the log; never shown to the user).</summary>
    public string? Refusal(ClaimsPrincipal principal)
    {
        var name = principal.Identity?.Name;
        if (principal.Identity?.IsAuthenticated != true || name is null)
        {
            return "not signed in";
        }

        if (users.Find(name) is not { } user)
        {
            return "the user is no longer configured";
        }

        if (principal.FindFirst(DashboardClaims.Stamp)?.Value != DashboardUserStore.StampOf(user))
        {
            return "the user's role or password changed since sign-in";
        }

        if (!sessions.Touch(principal.FindFirst(DashboardClaims.Session)?.Value, name))
        {
            return "the session ended (signed out, expired, or started before the dashboard restarted)";
        }

        return null;
    }
}
