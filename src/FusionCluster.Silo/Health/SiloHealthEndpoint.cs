using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FusionCluster.Silo.Health;

/// <summary>
/// A small HTTP listener on the health port answering GET /healthz/live and /healthz/ready with 200 or
/// 503 and a one-line reason. Registered before the silo, it listens during start-up (ready is then 503)
/// and stops after the silo has left the cluster (ready is 503 while it leaves).
/// </summary>
public sealed partial class SiloHealthEndpoint(int port, IServiceProvider services, ILogger<SiloHealthEndpoint> logger) : IHostedService, IDisposable
{
    public const string LivePath = "/healthz/live";
    public const string ReadyPath = "/healthz/ready";

    private readonly HttpListener listener = new();
    private readonly CancellationTokenSource stopping = new();
    private Task? serving;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // "+" binds every interface: kubelet probes the pod IP.
        listener.Prefixes.Add(string.Create(CultureInfo.InvariantCulture, $"http://+:{port}/"));
        listener.Start();
        serving = ServeAsync(stopping.Token);
        LogListening(port);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await stopping.CancelAsync();
        listener.Stop();
        if (serving is not null)
        {
            await serving.WaitAsync(cancellationToken);
        }
    }

    public void Dispose()
    {
        listener.Close();
        stopping.Dispose();
    }

    private async Task ServeAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
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

            // One request at a time is plenty for probes, and keeps a slow Redis PING from piling up work.
            await AnswerAsync(context, cancellationToken);
        }
    }

    private async Task AnswerAsync(HttpListenerContext context, CancellationToken cancellationToken)
    {
        try
        {
            var checks = services.GetRequiredService<SiloHealthChecks>();
            SiloHealthReport? report = context.Request.Url?.AbsolutePath switch
            {
                LivePath => checks.Live(),
                ReadyPath => await checks.ReadyAsync(cancellationToken),
                _ => null,
            };
            var (status, body) = report switch
            {
                null => (HttpStatusCode.NotFound, $"not found; try {LivePath} or {ReadyPath}"),
                { Healthy: true } => (HttpStatusCode.OK, $"ok: {report.Reason}"),
                _ => (HttpStatusCode.ServiceUnavailable, $"unhealthy: {report.Reason}"),
            };
            var bytes = Encoding.UTF8.GetBytes(body + "\n");
            context.Response.StatusCode = (int)status;
            context.Response.ContentType = "text/plain; charset=utf-8";
            context.Response.ContentLength64 = bytes.Length;
            await context.Response.OutputStream.WriteAsync(bytes, cancellationToken);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogAnswerFailed(e.GetBaseException().Message);
            context.Response.StatusCode = (int)HttpStatusCode.ServiceUnavailable;
        }
        finally
        {
            context.Response.Close();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Health endpoint listening on port {Port} (/healthz/live, /healthz/ready)")]
    private partial void LogListening(int port);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Health probe failed to answer: {Reason}")]
    private partial void LogAnswerFailed(string reason);
}
