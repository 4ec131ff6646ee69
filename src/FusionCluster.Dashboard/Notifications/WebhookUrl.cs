namespace FusionCluster.Dashboard.Notifications;

/// <summary>
/// Checks and redacts webhook URLs. An incoming webhook's path (Slack's /services/T…/B…/token) or query is its
/// secret: anyone holding it can post, so only the scheme, host and the first of several path segments are ever shown or
/// logged.
/// </summary>
public static class WebhookUrl
{
    /// <exception cref="ArgumentException">Not an absolute http or https URL; the message says so without echoing it.</exception>
    public static Uri Parse(string? url)
    {
        if (!Uri.TryCreate(url?.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            throw new ArgumentException("a webhook URL must be an absolute http:// or https:// URL (e.g. https://hooks.slack.com/services/…)", nameof(url));
        }

        return uri;
    }

    /// <summary>E.g. "https://hooks.slack.com/services/•••" for a Slack URL; "•••" for text that is not a URL.</summary>
    public static string Redact(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return "•••";
        }

        var segments = uri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var port = uri.IsDefaultPort ? "" : $":{uri.Port}";
        // The first segment is shown only when more segments follow it: a path of one segment (an ntfy topic, a relay's
        // token) is itself the secret, with a query or without.
        var first = segments.Length > 1 ? segments[0] + "/" : "";
        var hidden = segments.Length > 0 || uri.Query.Length > 0;
        return $"{uri.Scheme}://{uri.Host}{port}/{first}{(hidden ? "•••" : "")}";
    }
}
