using System.Collections.Concurrent;
using Azure.Core;
using Azure.Core.Pipeline;

namespace FusionCluster.Storage.Tests.Support;

/// <summary>
/// Records every request the blob client sends ("PUT name?comp=blocklist"), in order, and can fail
/// chosen requests before they are sent, to test what a store does when the service fails midway.
/// </summary>
public sealed class RequestRecorder : HttpPipelineSynchronousPolicy
{
    private readonly ConcurrentQueue<string> requests = new();

    /// <summary>Requests matching this fail with a 500 before reaching the service; null for none.</summary>
    public Func<string, bool>? FailWhen { get; set; }

    public IReadOnlyList<string> Requests => [.. requests];

    public void Clear() => requests.Clear();

    public override void OnSendingRequest(HttpMessage message)
    {
        var uri = message.Request.Uri.ToUri();
        var comp = System.Web.HttpUtility.ParseQueryString(uri.Query)["comp"];
        // Path: /account/container/blob...; keep container/blob.
        var parts = Uri.UnescapeDataString(uri.AbsolutePath).TrimStart('/').Split('/', 2);
        var path = parts.Length == 2 ? parts[1] : parts[0];
        var line = $"{message.Request.Method} {path}" + (comp is null ? "" : $"?comp={comp}")
            + (message.Request.Headers.Contains("x-ms-copy-source") ? " [copy]" : "");
        requests.Enqueue(line);
        if (FailWhen?.Invoke(line) == true)
        {
            throw new global::Azure.RequestFailedException(500, $"injected failure: {line}", "InjectedFailure", null);
        }
    }
}
