using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;

namespace FusionCluster.Dashboard.Security;

/// <summary>
/// Sign-in and sign-out. Both take form posts, so ASP.NET Core's antiforgery validation applies (the
/// pages render the token); sign-in is rate limited per client address and backs off per account
/// (<see cref="LoginThrottle"/>), and anonymous; sign-out needs a user and ends its server-side session.
/// </summary>
public static class AccountEndpoints
{
    public const string LoginRateLimit = "login";

    public static void MapAccountEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/account/login", SignInAsync).AllowAnonymous().RequireRateLimiting(LoginRateLimit);
        endpoints.MapPost("/account/logout", SignOutAsync);
    }

    private static async Task<IResult> SignInAsync(
        [FromForm] LoginForm form,
        HttpContext http,
        DashboardUserStore users,
        DashboardSessions sessions,
        LoginThrottle throttle,
        ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger(typeof(AccountEndpoints).FullName!);
        var returnUrl = LocalReturnUrl.Sanitize(form.ReturnUrl);
        var name = form.UserName?.Trim() ?? "";

        if (throttle.LockedFor(name) is { Ticks: > 0 } locked)
        {
            logger.LogWarning("Refused sign-in for user name {User} from {Address}: locked for {Seconds:0} s after failed sign-ins", Truncate(name), http.Connection.RemoteIpAddress, locked.TotalSeconds);
            return Results.LocalRedirect($"/login?failed=2&ReturnUrl={Uri.EscapeDataString(returnUrl)}");
        }

        // PBKDF2 costs a few hundred milliseconds of CPU: off the request thread's hot path, not in a lock.
        var user = await Task.Run(() => users.Authenticate(name, form.Password));
        if (user is null)
        {
            throttle.RecordFailure(name);
            logger.LogWarning("Failed sign-in for user name {User} from {Address}", Truncate(name), http.Connection.RemoteIpAddress);
            return Results.LocalRedirect($"/login?failed=1&ReturnUrl={Uri.EscapeDataString(returnUrl)}");
        }

        throttle.RecordSuccess(name);
        ((ClaimsIdentity)user.Identity!).AddClaim(new Claim(DashboardClaims.Session, sessions.Start(user.Identity.Name!)));
        await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, user, new AuthenticationProperties { IsPersistent = false });
        logger.LogInformation("User {User} signed in from {Address}", user.Identity!.Name, http.Connection.RemoteIpAddress);
        return Results.LocalRedirect(returnUrl);
    }

    // The form field is not used; binding a form value is what makes ASP.NET Core validate the antiforgery token.
    // The session ends here, on the server: a copy of the cookie kept from before is refused from now on.
    private static async Task<IResult> SignOutAsync([FromForm] string? signOut, HttpContext http, DashboardSessions sessions)
    {
        sessions.End(http.User.FindFirst(DashboardClaims.Session)?.Value);
        await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return Results.LocalRedirect("/login");
    }

    /// <summary>A user-typed name as it may appear in a log line: bounded, without control characters.</summary>
    private static string Truncate(string? name) => name is null ? "" : new string(name.Take(64).Select(c => char.IsControl(c) ? '?' : c).ToArray());
}
