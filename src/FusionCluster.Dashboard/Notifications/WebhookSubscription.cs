namespace FusionCluster.Dashboard.Notifications;

/// <summary>An incoming-webhook URL (Slack-compatible: it takes a JSON body with <c>text</c>) and what it is sent.</summary>
public sealed record WebhookSubscription(string Id, string Url, IReadOnlyList<NotificationKind> Kinds)
{
    /// <summary>The URL without its secret, for pages and logs (see <see cref="WebhookUrl.Redact"/>).</summary>
    public string RedactedUrl => WebhookUrl.Redact(Url);
}
