using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;

namespace FusionCluster.Dashboard.Security;

/// <summary>
/// Sign-in and sign-out. Both take form posts, so ASP.NET Core's antiforgery validation applies (the
/// pages render the token); sign-in is rate limited per client address and anonymous, sign-out needs a user.
/// </summary>
public static class AccountEndpoints
{
    public const string LoginRateLimit = "login";

    public static void MapAccountEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/account/login", SignInAsync).AllowAnonymous().RequireRateLimiting(LoginRateLimit);
        endpoints.MapPost("/account/logout", SignOutAsync);
    }

    private static async Task<IResult> SignInAsync([FromForm] LoginForm form, HttpContext http, DashboardUserStore users, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger(typeof(AccountEndpoints).FullName!);
        var returnUrl = LocalReturnUrl.Sanitize(form.ReturnUrl);

        // PBKDF2 costs a few hundred milliseconds of CPU: off the request thread's hot path, not in a lock.
        var user = await Task.Run(() => users.Authenticate(form.UserName?.Trim(), form.Password));
        if (user is null)
        {
            logger.LogWarning("Failed sign-in for user name {User} from {Address}", Truncate(form.UserName), http.Connection.RemoteIpAddress);
            return Results.LocalRedirect($"/login?failed=1&ReturnUrl={Uri.EscapeDataString(returnUrl)}");
        }

        await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, user, new AuthenticationProperties { IsPersistent = false });
        logger.LogInformation("User {User} signed in from {Address}", user.Identity!.Name, http.Connection.RemoteIpAddress);
        return Results.LocalRedirect(returnUrl);
    }

    // The form field is not used; binding a form value is what makes ASP.NET Core validate the antiforgery token.
    private static async Task<IResult> SignOutAsync([FromForm] string? signOut, HttpContext http)
    {
        await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return Results.LocalRedirect("/login");
    }

    /// <summary>A user-typed name as it may appear in a log line: bounded, without control characters.</summary>
    private static string Truncate(string? name) => name is null ? "" : new string(name.Take(64).Select(c => char.IsControl(c) ? '?' : c).ToArray());
}
