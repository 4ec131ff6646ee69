using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace FusionCluster.Dashboard.EndToEnd.Tests;

/// <summary>The dashboard as `fusion dashboard` runs it (embedded silo), on a free loopback port of this process.</summary>
/// <param name="services">Replaces registrations after the dashboard's own (a test cluster's client, for instance).</param>
public sealed class DashboardFactory(IReadOnlyDictionary<string, string> settings, Action<IServiceCollection>? services = null) : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        if (services is not null)
        {
            builder.ConfigureTestServices(services);
        }
    }
}
