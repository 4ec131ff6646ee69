using System.Net;
using FusionCluster.Dashboard.Security;
using FusionCluster.Hosting;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FusionCluster.Dashboard.EndToEnd.Tests.Security;

/// <summary>
/// The dashboard as `fusion dashboard` runs it (a client of an embedded silo), served in memory: real HTTP requests go
/// through its whole pipeline (cookies, antiforgery, authorization). Users come from a configuration source
/// the tests change while it runs; the per-account sign-in back-off runs on a clock the tests move.
/// </summary>
public sealed class SecuredDashboard : WebApplicationFactory<Program>
{
    public const string Password = "a-long-password-1";

    private readonly EmbeddedCluster silo = EmbeddedCluster.StartAsync(unitSlots: 1, CancellationToken.None).GetAwaiter().GetResult();
    private int clients;

    public ReloadableSettings Users { get; } = new();

    public FakeTimeProvider ThrottleClock { get; } = new(DateTimeOffset.UtcNow);

    public string Root { get; } = Directory.CreateTempSubdirectory("fc-dashboard-sessions-").FullName;

    /// <summary>Configures (or reconfigures) a user with <see cref="Password"/>.</summary>
    public void SetUser(string name, string role) => Users.Change(
        ($"{DashboardUserStore.Section}:{name}:PasswordHash", PasswordHash.Create(Password, PasswordHash.MinimumIterations)),
        ($"{DashboardUserStore.Section}:{name}:Role", role));

    public void SetRole(string name, string role) => Users.Change(($"{DashboardUserStore.Section}:{name}:Role", role));

    public void RemoveUser(string name) => Users.Change(
        ($"{DashboardUserStore.Section}:{name}:PasswordHash", null),
        ($"{DashboardUserStore.Section}:{name}:Role", null));

    /// <summary>A client with a client address of its own, so the per-address sign-in limit counts each apart.</summary>
    public DashboardHttpClient NewClient()
    {
        var address = new IPAddress([10, 0, 0, (byte)Interlocked.Increment(ref clients)]);
        var handler = Server.CreateHandler(context => context.Connection.RemoteIpAddress = address);
        return new DashboardHttpClient(new HttpClient(handler) { BaseAddress = Server.BaseAddress });
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await silo.DisposeAsync();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // Left to the system's temp cleaning.
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Fusion:Cluster:Gateway", silo.Endpoint.GatewayPort!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Fusion:Cluster:Id", silo.Endpoint.ClusterId);
        builder.UseSetting("Fusion:Dashboard:SpecDirectory", Root);
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.ConfigureAppConfiguration(configuration => configuration.Add(Users));
        builder.ConfigureTestServices(services => services.AddSingleton(new LoginThrottle(ThrottleClock)));
    }
}
