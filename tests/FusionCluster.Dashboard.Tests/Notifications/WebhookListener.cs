using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FusionCluster.Dashboard.Tests.Notifications;

/// <summary>A real HTTP server on a free loopback port that answers webhook POSTs with the given status codes in turn (then 200).</summary>
internal sealed class WebhookListener : IDisposable
{
    private readonly HttpListener listener = new();
    private readonly Queue<int> answers;
    private readonly Task loop;

    public WebhookListener(params int[] answers)
    {
        this.answers = new Queue<int>(answers);
        Port = FreePort();
        listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        listener.Start();
        loop = Task.Run(ServeAsync);
    }

    public int Port { get; }

    /// <summary>A Slack-shaped URL whose path holds the token.</summary>
    public string Url => $"http://127.0.0.1:{Port}/services/T0001/B0002/{Token}";

    public string Token => "s3cr3t-t0ken-xyz";

    public ConcurrentQueue<(string Path, string Body, TimeSpan At)> Requests { get; } = new();

    /// <summary>The Location a 3xx answer points to.</summary>
    public string? RedirectTo { get; init; }

    private Stopwatch Clock { get; } = Stopwatch.StartNew();

    public void Dispose()
    {
        listener.Stop();
        listener.Close();
        try
        {
            loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The loop ends with the listener's disposal.
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private async Task ServeAsync()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            Requests.Enqueue((context.Request.Url!.AbsolutePath, await reader.ReadToEndAsync(), Clock.Elapsed));
            int status;
            lock (answers)
            {
                status = answers.Count > 0 ? answers.Dequeue() : 200;
            }

            context.Response.StatusCode = status;
            if (status is >= 300 and < 400 && RedirectTo is not null)
            {
                context.Response.RedirectLocation = RedirectTo;
            }

            context.Response.Close();
        }
    }
}
