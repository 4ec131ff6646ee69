namespace FusionCluster.Dashboard.Notifications;

/// <summary>
/// Checks and redacts webhook URLs. An incoming webhook's path (Slack's /services/T…/B…/token) or query is its
/// secret: anyone holding it can post, so only the scheme, host and first path segment are ever shown or logged.
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

        var first = uri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        var port = uri.IsDefaultPort ? "" : $":{uri.Port}";
        var hidden = uri.AbsolutePath.Trim('/').Contains('/', StringComparison.Ordinal) || uri.Query.Length > 0 || first is null;
        return $"{uri.Scheme}://{uri.Host}{port}/{(first is null ? "" : first + "/")}{(hidden ? "•••" : "")}";
    }
}
