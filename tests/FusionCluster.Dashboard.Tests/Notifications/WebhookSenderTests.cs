using System.Text.Json;
using FusionCluster.Dashboard.Notifications;
using Microsoft.Extensions.Options;

namespace FusionCluster.Dashboard.Tests.Notifications;

public sealed class WebhookSenderTests
{
    private static readonly WebhookOptions Fast = new() { Attempts = 4, FirstBackoff = TimeSpan.FromMilliseconds(40), MaxBackoff = TimeSpan.FromSeconds(1), Timeout = TimeSpan.FromSeconds(5) };

    [Fact]
    public async Task Server_errors_are_retried_with_growing_waits_until_the_message_is_taken()
    {
        using var server = new WebhookListener(500, 503);
        var log = new CapturingLogger<WebhookSender>();
        using var http = new HttpClient();

        var delivery = await new WebhookSender(http, Options.Create(Fast), TimeProvider.System, log).SendAsync(server.Url, "Job j-1 failed", Xunit.TestContext.Current.CancellationToken);

        Assert.True(delivery.Delivered);
        Assert.Equal(3, delivery.Attempts);
        var requests = server.Requests.ToArray();
        Assert.Equal(3, requests.Length);
        Assert.All(requests, r => Assert.Equal("Job j-1 failed", JsonDocument.Parse(r.Body).RootElement.GetProperty("text").GetString()));
        var firstWait = requests[1].At - requests[0].At;
        var secondWait = requests[2].At - requests[1].At;
        Assert.True(firstWait >= TimeSpan.FromMilliseconds(35), $"first wait {firstWait}");
        Assert.True(secondWait >= TimeSpan.FromMilliseconds(75), $"second wait {secondWait} (backoff doubles)");
        Assert.DoesNotContain(log.Lines, l => l.Contains(server.Token, StringComparison.Ordinal));
        Assert.Contains(log.Lines, l => l.Contains($"http://127.0.0.1:{server.Port}/services/•••", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_redirect_is_not_followed_so_a_webhook_cannot_bounce_the_message_to_another_address()
    {
        using var elsewhere = new WebhookListener();
        using var server = new WebhookListener(307) { RedirectTo = elsewhere.Url };
        using var http = new HttpClient(WebhookSender.CreateHandler());

        var delivery = await new WebhookSender(http, Options.Create(Fast), TimeProvider.System, new CapturingLogger<WebhookSender>()).SendAsync(server.Url, "x", Xunit.TestContext.Current.CancellationToken);

        Assert.False(delivery.Delivered);
        Assert.Equal("HTTP 307 Temporary Redirect", delivery.LastError);
        Assert.Single(server.Requests);
        Assert.Empty(elsewhere.Requests);
    }

    [Fact]
    public async Task A_client_error_is_final_and_not_retried()
    {
        using var server = new WebhookListener(404);
        using var http = new HttpClient();

        var delivery = await new WebhookSender(http, Options.Create(Fast), TimeProvider.System, new CapturingLogger<WebhookSender>()).SendAsync(server.Url, "x", Xunit.TestContext.Current.CancellationToken);

        Assert.False(delivery.Delivered);
        Assert.Equal(1, delivery.Attempts);
        Assert.Single(server.Requests);
        Assert.Contains("404", delivery.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_webhook_is_tried_every_time_then_given_up_without_its_token_in_any_log()
    {
        int port;
        using (var gone = new WebhookListener())
        {
            port = gone.Port;
        }

        var url = $"http://127.0.0.1:{port}/services/T1/B2/another-secret";
        var log = new CapturingLogger<WebhookSender>();
        using var http = new HttpClient();

        var delivery = await new WebhookSender(http, Options.Create(Fast), TimeProvider.System, log).SendAsync(url, "x", Xunit.TestContext.Current.CancellationToken);

        Assert.False(delivery.Delivered);
        Assert.Equal(Fast.Attempts, delivery.Attempts);
        Assert.DoesNotContain("another-secret", delivery.LastError, StringComparison.Ordinal);
        Assert.DoesNotContain(log.Lines, l => l.Contains("another-secret", StringComparison.Ordinal));
        Assert.Contains(log.Lines, l => l.Contains("gave up after 4 attempts", StringComparison.Ordinal));
    }
}
