using Bunit;
using FusionCluster.Dashboard.Components.Pages;
using FusionCluster.Dashboard.Notifications;
using FusionCluster.Dashboard.Security;
using FusionCluster.Dashboard.Tests.Fakes;
using FusionCluster.Dashboard.Tests.Notifications;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FusionCluster.Dashboard.Tests.Pages;

public sealed class NotificationSettingsTests : DashboardTestContext, IDisposable
{
    private const string Secret = "https://hooks.slack.com/services/T1/B2/very-secret-token";
    private readonly string folder = Directory.CreateTempSubdirectory("fc-notify-page-").FullName;
    private readonly WebhookStore store;

    public NotificationSettingsTests()
    {
        var options = Options.Create(new WebhookOptions { File = Path.Combine(folder, "webhooks.json"), Attempts = 2, FirstBackoff = TimeSpan.FromMilliseconds(10) });
        store = new WebhookStore(options);
        Services.AddSingleton(store);
        Services.AddSingleton(options);
        Services.AddSingleton(new HttpClient());
        Services.AddSingleton<WebhookSender>();
        Services.AddSingleton<NotificationService>();
    }

    void IDisposable.Dispose()
    {
        Directory.Delete(folder, recursive: true);
        base.Dispose();
    }

    [Fact]
    public void An_operator_adds_a_webhook_and_sees_it_only_redacted()
    {
        SignInAs(DashboardRoles.Operator, "olga");
        var page = Render<NotificationSettings>();
        Assert.Contains("No webhooks yet", page.Find("#no-webhooks").TextContent, StringComparison.Ordinal);

        page.Find(".webhook-url-field input").Input(Secret);
        page.Find(".kind-JobSucceeded input").Change(true);
        page.Find("#add-webhook-button").Click();

        var row = page.Find(".webhook-row");
        Assert.Equal("https://hooks.slack.com/services/•••", row.QuerySelector(".webhook-url")!.TextContent);
        Assert.Contains("job failed, job succeeded, sweep found a new best", row.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("very-secret-token", page.Markup, StringComparison.Ordinal);
        Assert.Equal(Secret, Assert.Single(store.List()).Url);
    }

    [Fact]
    public void A_bad_url_is_refused_in_place()
    {
        SignInAs(DashboardRoles.Operator);
        var page = Render<NotificationSettings>();

        page.Find(".webhook-url-field input").Input("hooks.slack.com/x");
        page.Find("#add-webhook-button").Click();

        Assert.Contains("absolute http:// or https:// URL", page.Find("#add-webhook-error").TextContent, StringComparison.Ordinal);
        Assert.Empty(store.List());
    }

    [Fact]
    public void A_viewer_sees_the_webhooks_redacted_but_cannot_change_them()
    {
        store.Add(Secret, [NotificationKind.JobFailed]);
        SignInAs(DashboardRoles.Viewer);

        var page = Render<NotificationSettings>();

        Assert.Single(page.FindAll(".webhook-row"));
        Assert.Empty(page.FindAll("#add-webhook"));
        Assert.Empty(page.FindAll(".webhook-remove"));
        Assert.DoesNotContain("very-secret-token", page.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_test_delivers_to_a_real_listener_and_remove_forgets_the_webhook()
    {
        using var server = new WebhookListener(500);
        store.Add(server.Url, [NotificationKind.JobFailed]);
        SignInAs(DashboardRoles.Operator, "olga");
        var page = Render<NotificationSettings>();

        await page.Find(".webhook-test").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Equal("delivered (attempt 2)", page.Find(".webhook-test-result").TextContent));
        Assert.Contains("a test message from olga", server.Requests.Last().Body, StringComparison.Ordinal);
        page.Find(".webhook-remove").Click();
        // The handler asks the operator gate (an awaited authentication state) before it removes: wait for it.
        page.WaitForAssertion(() => Assert.Empty(store.List()));
        page.WaitForAssertion(() => Assert.Empty(page.FindAll(".webhook-row")));
    }
}
