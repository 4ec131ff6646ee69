using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Options;

namespace FusionCluster.Dashboard.Notifications;

/// <summary>
/// Posts a Slack-compatible message (<c>{"text": …}</c>) to a webhook, retrying network errors, timeouts, 429 and
/// 5xx with exponential backoff (a 429's Retry-After wins when given); other 4xx answers are final, since trying
/// the same request again cannot change them, and so are redirects, which are not followed. Logs name the URL only redacted.
/// </summary>
public sealed class WebhookSender(HttpClient http, IOptions<WebhookOptions> options, TimeProvider time, ILogger<WebhookSender> logger)
{
    /// <summary>
    /// The handler webhook posts go through: it does not follow redirects, so a webhook's server cannot send the message
    /// (and the dashboard's request) on to an address the operator did not enter, such as one inside the cluster.
    /// A redirect is a refusal, reported with its status.
    /// </summary>
    public static HttpMessageHandler CreateHandler() => new SocketsHttpHandler { AllowAutoRedirect = false };

    public async Task<WebhookDelivery> SendAsync(string url, string text, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var target = WebhookUrl.Parse(url);
        var redacted = WebhookUrl.Redact(url);
        var backoff = settings.FirstBackoff;
        string? lastError = null;
        for (var attempt = 1; attempt <= Math.Max(1, settings.Attempts); attempt++)
        {
            TimeSpan? retryAfter = null;
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(settings.Timeout);
                using var response = await http.PostAsJsonAsync(target, new { text }, timeout.Token);
                if (response.IsSuccessStatusCode)
                {
                    logger.LogInformation("Webhook {Url} took the message on attempt {Attempt}", redacted, attempt);
                    return new WebhookDelivery(true, attempt, null);
                }

                lastError = $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}";
                var transient = response.StatusCode == HttpStatusCode.TooManyRequests || (int)response.StatusCode >= 500;
                if (!transient)
                {
                    logger.LogWarning("Webhook {Url} refused the message ({Error}); not retried", redacted, lastError);
                    return new WebhookDelivery(false, attempt, lastError);
                }

                retryAfter = response.Headers.RetryAfter?.Delta;
            }
            catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                lastError = e is OperationCanceledException ? $"no answer within {settings.Timeout.TotalSeconds:0.#} s" : e.Message.Replace(url, redacted, StringComparison.Ordinal);
            }

            if (attempt < settings.Attempts)
            {
                var wait = retryAfter is { } asked && asked < settings.MaxBackoff ? asked : backoff;
                logger.LogWarning("Webhook {Url} attempt {Attempt} failed ({Error}); retrying in {Wait}", redacted, attempt, lastError, wait);
                await Task.Delay(wait, time, cancellationToken);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, settings.MaxBackoff.Ticks));
            }
        }

        logger.LogError("Webhook {Url}: gave up after {Attempts} attempts ({Error})", redacted, settings.Attempts, lastError);
        return new WebhookDelivery(false, settings.Attempts, lastError);
    }
}
