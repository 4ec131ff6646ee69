using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FusionCluster.Silo.Health;

/// <summary>
/// A small Kestrel server on the health port answering GET /healthz/live and /healthz/ready with 200 or
/// 503 and a one-line reason. Registered before the silo, it listens during start-up (ready is then 503)
/// and stops after the silo has left the cluster (ready is 503 while it leaves).
/// </summary>
/// <remarks>
/// Kestrel rather than <see cref="HttpListener"/>: Linux's managed HttpListener fails its Start with an
/// ArgumentNullException when a probe connects while it binds (dotnet/corefx#35191), and kubelet probes
/// exactly then. The server runs in its own small host whose lifetime ignores signals, so only the silo's
/// host decides when it stops.
/// </remarks>
public sealed partial class SiloHealthEndpoint(int port, IServiceProvider services, ILogger<SiloHealthEndpoint> logger) : IHostedService, IAsyncDisposable
{
    public const string LivePath = "/healthz/live";
    public const string ReadyPath = "/healthz/ready";

    private WebApplication? server;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Services.AddSingleton(services.GetRequiredService<ILoggerFactory>());
        builder.Services.AddSingleton<IHostLifetime, SignalIgnoringHostLifetime>();
        // Every interface: kubelet probes the pod IP.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenAnyIP(port));
        var app = builder.Build();
        app.MapGet(LivePath, () => AnswerAsync(checks => Task.FromResult(checks.Live())));
        app.MapGet(ReadyPath, (CancellationToken aborted) => AnswerAsync(checks => checks.ReadyAsync(aborted)));
        app.MapFallback(() => Results.Text($"not found; try {LivePath} or {ReadyPath}\n", "text/plain; charset=utf-8", statusCode: (int)HttpStatusCode.NotFound));
        await app.StartAsync(cancellationToken);
        server = app;
        LogListening(port);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (server is not null)
        {
            await server.StopAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (server is not null)
        {
            await server.DisposeAsync();
        }
    }

    private async Task<IResult> AnswerAsync(Func<SiloHealthChecks, Task<SiloHealthReport>> check)
    {
        SiloHealthReport report;
        try
        {
            // Resolved per probe: the checks need the silo's membership, which exists only once it starts.
            report = await check(services.GetRequiredService<SiloHealthChecks>());
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogAnswerFailed(e.GetBaseException().Message);
            report = new SiloHealthReport(false, e.GetBaseException().Message);
        }

        return report.Healthy
            ? Results.Text($"ok: {report.Reason}\n", "text/plain; charset=utf-8", statusCode: (int)HttpStatusCode.OK)
            : Results.Text($"unhealthy: {report.Reason}\n", "text/plain; charset=utf-8", statusCode: (int)HttpStatusCode.ServiceUnavailable);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Health endpoint listening on port {Port} (/healthz/live, /healthz/ready)")]
    private partial void LogListening(int port);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Health probe failed to answer: {Reason}")]
    private partial void LogAnswerFailed(string reason);
}
