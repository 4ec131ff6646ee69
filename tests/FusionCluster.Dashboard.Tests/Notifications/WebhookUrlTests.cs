using FusionCluster.Dashboard.Notifications;

namespace FusionCluster.Dashboard.Tests.Notifications;

public sealed class WebhookUrlTests
{
    [Theory]
    [InlineData("https://hooks.slack.com/services/T0001/B0002/XXXXsecret", "https://hooks.slack.com/services/•••")]
    [InlineData("https://chat.example.org:8443/hook?token=abc", "https://chat.example.org:8443/•••")]
    [InlineData("https://ntfy.sh/my-secret-topic?auth=tok", "https://ntfy.sh/•••")]
    // A path of one segment is the secret itself: an ntfy topic, a relay's token.
    [InlineData("https://ntfy.sh/my-secret-topic", "https://ntfy.sh/•••")]
    [InlineData("http://10.0.0.5/notify", "http://10.0.0.5/•••")]
    [InlineData("https://relay.example.org/", "https://relay.example.org/")]
    [InlineData("not a url with secret", "•••")]
    public void Only_scheme_host_and_the_first_of_several_path_segments_are_shown(string url, string shown)
    {
        Assert.Equal(shown, WebhookUrl.Redact(url));
    }

    [Theory]
    [InlineData("ftp://example.org/hook")]
    [InlineData("hooks.slack.com/services/x")]
    [InlineData("")]
    public void Only_absolute_http_urls_are_webhooks_and_the_error_does_not_echo_them(string url)
    {
        var error = Assert.Throws<ArgumentException>(() => WebhookUrl.Parse(url));

        Assert.Contains("http:// or https://", error.Message, StringComparison.Ordinal);
        Assert.True(url.Length == 0 || !error.Message.Contains(url, StringComparison.Ordinal));
    }
}
