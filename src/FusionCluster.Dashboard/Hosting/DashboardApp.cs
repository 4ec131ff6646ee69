using System.Threading.RateLimiting;
using FusionCluster.Dashboard.Artifacts;
using FusionCluster.Dashboard.Benchmarks;
using FusionCluster.Dashboard.Connectivity;
using FusionCluster.Dashboard.Components;
using FusionCluster.Dashboard.Notifications;
using FusionCluster.Dashboard.Security;
using FusionCluster.Dashboard.Services;
using FusionCluster.Dashboard.Specs;
using FusionCluster.Storage;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Options;
using MudBlazor.Services;
using OpenTelemetry.Metrics;

namespace FusionCluster.Dashboard.Hosting;

/// <summary>Builds the dashboard's web application: the Orleans client, authentication, pages and endpoints.</summary>
public static class DashboardApp
{
    public const string CookieName = "fusion.auth";

    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        if (builder.Configuration.GetValue<bool>("Fusion:Logging:Json"))
        {
            // One JSON object per line, for log collectors (the silos' --json-logs does the same).
            builder.Logging.ClearProviders();
            builder.Logging.AddJsonConsole(options => options.TimestampFormat = "O");
        }

        // Static files of MudBlazor and the framework are found through the build's manifest when the
        // dashboard runs from its build output outside Development (a published one has them in wwwroot).
        builder.WebHost.UseStaticWebAssets();

        var section = builder.Configuration.GetSection(DashboardOptions.Section);
        builder.Services.Configure<DashboardOptions>(section);
        var options = section.Get<DashboardOptions>() ?? new DashboardOptions();
        var cluster = builder.AddFusionOrleans(options);

        // Artifacts are read through the silos' own stores and roots.
        builder.Services.AddFusionStorage(builder.Configuration);

        builder.Services.AddRazorComponents().AddInteractiveServerComponents()
            .AddHubOptions(hub => hub.MaximumReceiveMessageSize = SpecEditorLimits.MaxReceiveMessageBytes);
        builder.Services.AddMudServices();
        AddSecurity(builder.Services);
        AddMetrics(builder.Services);

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(sp => SecretRedactor.FromConfiguration(sp.GetRequiredService<IConfiguration>()));
        builder.Services.AddSingleton<IFusionCluster, OrleansFusionCluster>();
        builder.Services.AddSingleton<ClusterMonitor>();
        builder.Services.AddSingleton<IClusterMonitor>(sp => sp.GetRequiredService<ClusterMonitor>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ClusterMonitor>());
        builder.Services.AddSingleton<IArtifactBrowser, ArtifactBrowser>();
        builder.Services.AddSingleton<MergeReportReader>();
        builder.Services.AddSingleton<ConnectResultCatalog>();
        builder.Services.AddSingleton<BenchmarkResultCatalog>();
        builder.Services.AddSingleton<SpecArchive>();
        builder.Services.AddScoped<OperatorGate>();
        builder.Services.AddScoped<JobCommands>();
        builder.Services.AddScoped<SiloLogReader>();
        builder.Services.AddSingleton<IFusionSweeps, OrleansFusionSweeps>();
        builder.Services.AddScoped<SweepCommands>();
        AddNotifications(builder);
        builder.Services.AddHealthChecks().AddCheck<ClusterHealthCheck>("cluster");

        var app = builder.Build();

        // Malformed users stop the dashboard now, with a message naming the entry, not at the first login.
        var users = app.Services.GetRequiredService<DashboardUserStore>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DashboardApp).FullName!);
        if (users.Count == 0)
        {
            logger.LogWarning("No users are configured, so nobody can sign in: add {Section}:<name>:PasswordHash and :Role (fusion dashboard hash-password makes a hash)", DashboardUserStore.Section);
        }

        logger.LogInformation("Dashboard of {Cluster}, {Users} users", cluster.Describe(), users.Count);
        logger.LogInformation("Dashboard {Roots}", app.Services.DescribeLocalRoots());

        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/error", createScopeForErrors: true);
        }

        if (ForwardedHeadersSetup.FromConfiguration(app.Configuration) is { } forwarded)
        {
            app.UseForwardedHeaders(forwarded);
        }

        app.UseSecurityHeaders();
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();

        app.MapStaticAssets().AllowAnonymous();
        app.MapHealthChecks("/health").AllowAnonymous();

        // For Prometheus, which cannot sign in: counts and durations by route template, no job ids or user data.
        app.MapPrometheusScrapingEndpoint("/metrics").AllowAnonymous();
        // Kubernetes probes: live answers while the web host serves requests (no cluster call), ready
        // only while the cluster answers (the same check as /health).
        app.MapHealthChecks("/healthz/live", new Microsoft.AspNetCore.Diagnostics.HealthChecks.HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/healthz/ready").AllowAnonymous();
        app.MapAccountEndpoints();
        app.MapArtifactEndpoints();
        app.MapPublishedResultEndpoints();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }

    /// <summary>Webhooks operators configure on the Notifications page, told about jobs and sweep runs.</summary>
    private static void AddNotifications(WebApplicationBuilder builder)
    {
        builder.Services.Configure<WebhookOptions>(builder.Configuration.GetSection(WebhookOptions.Section));
        builder.Services.AddHttpClient(nameof(WebhookSender)).ConfigurePrimaryHttpMessageHandler(WebhookSender.CreateHandler);
        builder.Services.AddSingleton<WebhookStore>();
        builder.Services.AddSingleton(sp => ActivatorUtilities.CreateInstance<WebhookSender>(sp, sp.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(WebhookSender))));
        builder.Services.AddSingleton<NotificationService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<NotificationService>());
    }

    /// <summary>/metrics: <see cref="DashboardMetrics.Meters"/> in Prometheus' text format.</summary>
    private static void AddMetrics(IServiceCollection services) =>
        services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter(DashboardMetrics.Meters).AddPrometheusExporter());

    private static void AddSecurity(IServiceCollection services)
    {
        services.AddSingleton(sp => DashboardUserStore.FromConfiguration(sp.GetRequiredService<IConfiguration>()));
        services.AddHostedService<DashboardUserReloader>();
        services.AddSingleton(_ => new DashboardSessions(TimeProvider.System));
        services.AddSingleton(_ => new LoginThrottle(TimeProvider.System));
        services.AddSingleton<DashboardPrincipalValidator>();
        services.AddSingleton<DashboardCookieEvents>();
        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(cookie =>
            {
                cookie.LoginPath = "/login";
                cookie.LogoutPath = "/account/logout";
                cookie.AccessDeniedPath = "/access-denied";
                cookie.Cookie.Name = CookieName;
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Strict;
                cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                cookie.ExpireTimeSpan = TimeSpan.FromHours(8);
                cookie.SlidingExpiration = true;

                // Every request's cookie is checked against the current users and this run's sessions.
                cookie.EventsType = typeof(DashboardCookieEvents);
            });

        // Every endpoint needs a signed-in viewer or operator unless it says otherwise (health, login, static files).
        services.AddAuthorizationBuilder()
            .AddPolicy(DashboardPolicies.Viewer, policy => policy.RequireAuthenticatedUser().RequireRole(DashboardRoles.Viewer, DashboardRoles.Operator))
            .AddPolicy(DashboardPolicies.Operator, policy => policy.RequireAuthenticatedUser().RequireRole(DashboardRoles.Operator))
            .SetFallbackPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder()
                .RequireAuthenticatedUser()
                .RequireRole(DashboardRoles.Viewer, DashboardRoles.Operator)
                .Build());
        services.AddCascadingAuthenticationState();
        services.AddScoped<AuthenticationStateProvider, RevalidatingDashboardAuthenticationStateProvider>();

        // A few sign-in attempts a minute per client address (Fusion:Dashboard:SignInAttemptsPerMinute, 10) slow
        // password guessing to a crawl. The refusal says so in words: a bare 429 shows as the browser's own error page.
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = (rejection, cancellationToken) =>
                new ValueTask(rejection.HttpContext.Response.WriteAsync("Too many sign-in attempts from this address; wait a minute and try again.", cancellationToken));
            limiter.AddPolicy(AccountEndpoints.LoginRateLimit, context => RateLimitPartition.GetFixedWindowLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = context.RequestServices.GetRequiredService<IOptions<DashboardOptions>>().Value.SignInAttemptsPerMinute,
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                }));
        });
    }
}
