using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;

namespace FusionCluster.Dashboard.Security;

/// <summary>
/// An open Blazor circuit keeps the user it started with; this checks that user again every
/// <see cref="Interval"/> (as the cookie is checked on every request), so a removed or demoted user, or
/// one who signed out in another tab, loses the open pages within a minute: they go back to the login page.
/// </summary>
public sealed class RevalidatingDashboardAuthenticationStateProvider(
    DashboardPrincipalValidator validator,
    ILoggerFactory loggers) : RevalidatingServerAuthenticationStateProvider(loggers)
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    private readonly ILogger logger = loggers.CreateLogger<RevalidatingDashboardAuthenticationStateProvider>();

    protected override TimeSpan RevalidationInterval => Interval;

    protected override Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken)
    {
        var user = authenticationState.User;
        if (user.Identity?.IsAuthenticated != true)
        {
            return Task.FromResult(true);
        }

        var reason = validator.Refusal(user);
        if (reason is not null)
        {
            logger.LogInformation("Closed the pages of {User}: {Reason}", user.Identity.Name, reason);
        }

        return Task.FromResult(reason is null);
    }
}
