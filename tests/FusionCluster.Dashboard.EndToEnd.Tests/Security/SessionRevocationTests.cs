using System.Net;
using FusionCluster.Dashboard.Security;

namespace FusionCluster.Dashboard.EndToEnd.Tests.Security;

/// <summary>
/// Sign-in cookies stop working when the server says so: removed or demoted users, signed-out sessions,
/// and names locked after failed sign-ins. Real HTTP through the dashboard's whole pipeline; each test has
/// its own user names, so they share one dashboard.
/// </summary>
public sealed class SessionRevocationTests(SecuredDashboard dashboard) : IClassFixture<SecuredDashboard>
{
    [Fact]
    public async Task Removed_user_cookie_is_refused_on_the_next_request()
    {
        dashboard.SetUser("rosa", DashboardRoles.Operator);
        using var client = dashboard.NewClient();
        await SignInAsync(client, "rosa");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/jobs")).StatusCode);

        dashboard.RemoveUser("rosa");

        AssertSentToLogin(await client.GetAsync("/jobs"));
    }

    [Fact]
    public async Task Demoted_operator_loses_operator_pages_and_is_signed_out()
    {
        dashboard.SetUser("dora", DashboardRoles.Operator);
        using var client = dashboard.NewClient();
        await SignInAsync(client, "dora");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/jobs/new")).StatusCode);

        dashboard.SetRole("dora", DashboardRoles.Viewer);

        AssertSentToLogin(await client.GetAsync("/jobs/new"));
        AssertSentToLogin(await client.GetAsync("/jobs"));

        // Signing in again gives the new role: a viewer, turned away from the operators' page.
        await SignInAsync(client, "dora");
        var newMerge = await client.GetAsync("/jobs/new");
        Assert.Equal(HttpStatusCode.Redirect, newMerge.StatusCode);
        Assert.Equal("/access-denied", newMerge.Headers.Location!.AbsolutePath);
    }

    [Fact]
    public async Task Signed_out_cookie_replayed_later_is_refused()
    {
        dashboard.SetUser("sam", DashboardRoles.Viewer);
        using var client = dashboard.NewClient();
        await SignInAsync(client, "sam");
        var copied = client.SignInCookie!;

        var signOut = await client.SignOutAsync();
        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);

        using var replay = dashboard.NewClient();
        replay.UseCookie(copied);
        AssertSentToLogin(await replay.GetAsync("/jobs"));
    }

    [Fact]
    public async Task Failed_sign_ins_lock_the_account_then_back_off()
    {
        dashboard.SetUser("lena", DashboardRoles.Viewer);
        using var client = dashboard.NewClient();
        for (var i = 0; i < LoginThrottle.FreeFailures; i++)
        {
            AssertLoginFailed(await client.SignInAsync("lena", "wrong-password"), "failed=1");
        }

        // Locked: even the right password is refused, without being checked.
        AssertLoginFailed(await client.SignInAsync("lena", SecuredDashboard.Password), "failed=2");
        Assert.Null(client.SignInCookie);

        dashboard.ThrottleClock.Advance(LoginThrottle.FirstLock + TimeSpan.FromSeconds(1));
        await SignInAsync(client, "lena");
    }

    private static async Task SignInAsync(DashboardHttpClient client, string name)
    {
        var response = await client.SignInAsync(name, SecuredDashboard.Password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location!.OriginalString);
        Assert.NotNull(client.SignInCookie);
    }

    private static void AssertLoginFailed(HttpResponseMessage response, string marker)
    {
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains(marker, response.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    private static void AssertSentToLogin(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/login", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }
}
