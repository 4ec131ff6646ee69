using System.Security.Claims;
using FusionCluster.Dashboard.Security;
using Microsoft.Extensions.Time.Testing;

namespace FusionCluster.Dashboard.Tests.Security;

/// <summary>The check behind both the cookie (every request) and open circuits (every 30 s).</summary>
public sealed class DashboardPrincipalValidatorTests
{
    private static readonly string Hash = PasswordHash.Create("operator-password", PasswordHash.MinimumIterations);

    [Fact]
    public void Signed_in_user_stands_until_removed_demoted_or_signed_out()
    {
        var users = new DashboardUserStore([new DashboardUser("olga", DashboardRoles.Operator, Hash)]);
        var sessions = new DashboardSessions(new FakeTimeProvider());
        var validator = new DashboardPrincipalValidator(users, sessions);
        var principal = SignIn(users, sessions);
        Assert.Null(validator.Refusal(principal));

        users.Replace([new DashboardUser("olga", DashboardRoles.Viewer, Hash)]);
        Assert.Contains("role or password", validator.Refusal(principal), StringComparison.Ordinal);

        users.Replace([new DashboardUser("olga", DashboardRoles.Operator, PasswordHash.Create("new-password", PasswordHash.MinimumIterations))]);
        Assert.Contains("role or password", validator.Refusal(principal), StringComparison.Ordinal);

        users.Replace([]);
        Assert.Contains("no longer configured", validator.Refusal(principal), StringComparison.Ordinal);

        users.Replace([new DashboardUser("olga", DashboardRoles.Operator, Hash)]);
        Assert.Null(validator.Refusal(principal));
        sessions.End(principal.FindFirst(DashboardClaims.Session)!.Value);
        Assert.Contains("session ended", validator.Refusal(principal), StringComparison.Ordinal);
    }

    [Fact]
    public void Session_of_an_earlier_run_or_idle_for_8_hours_does_not_stand()
    {
        var users = new DashboardUserStore([new DashboardUser("olga", DashboardRoles.Operator, Hash)]);
        var clock = new FakeTimeProvider();
        var earlierRun = new DashboardSessions(clock);
        var principal = SignIn(users, earlierRun);

        // A restart: same users, same cookie, a new (empty) set of sessions.
        Assert.NotNull(new DashboardPrincipalValidator(users, new DashboardSessions(clock)).Refusal(principal));

        var validator = new DashboardPrincipalValidator(users, earlierRun);
        clock.Advance(TimeSpan.FromHours(7));
        Assert.Null(validator.Refusal(principal));
        clock.Advance(TimeSpan.FromHours(8) + TimeSpan.FromSeconds(1));
        Assert.NotNull(validator.Refusal(principal));
    }

    [Fact]
    public void Cookie_of_another_users_session_does_not_stand()
    {
        var users = new DashboardUserStore([new DashboardUser("olga", DashboardRoles.Operator, Hash), new DashboardUser("otto", DashboardRoles.Operator, Hash)]);
        var sessions = new DashboardSessions(new FakeTimeProvider());
        var olga = SignIn(users, sessions);
        var forged = users.Authenticate("otto", "operator-password")!;
        ((ClaimsIdentity)forged.Identity!).AddClaim(olga.FindFirst(DashboardClaims.Session)!);

        Assert.NotNull(new DashboardPrincipalValidator(users, sessions).Refusal(forged));
    }

    private static ClaimsPrincipal SignIn(DashboardUserStore users, DashboardSessions sessions)
    {
        var principal = users.Authenticate("olga", "operator-password")!;
        ((ClaimsIdentity)principal.Identity!).AddClaim(new Claim(DashboardClaims.Session, sessions.Start("olga")));
        return principal;
    }
}
