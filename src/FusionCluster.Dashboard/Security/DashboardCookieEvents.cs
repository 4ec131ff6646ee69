using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace FusionCluster.Dashboard.Security;

/// <summary>Checks every request's sign-in cookie against the current users and sessions; a cookie that no longer stands signs its holder out.</summary>
public sealed class DashboardCookieEvents(DashboardPrincipalValidator validator, ILogger<DashboardCookieEvents> logger) : CookieAuthenticationEvents
{
    public override async Task ValidatePrincipal(CookieValidatePrincipalContext context)
    {
        if (context.Principal is { } principal && validator.Refusal(principal) is { } reason)
        {
            logger.LogInformation("Signed out {User}: {Reason}", principal.Identity?.Name ?? "(unnamed)", reason);
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        }
    }
}
