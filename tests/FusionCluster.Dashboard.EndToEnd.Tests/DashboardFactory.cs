using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace FusionCluster.Dashboard.EndToEnd.Tests;

/// <summary>The dashboard as `fusion dashboard` runs it (embedded silo), on a free loopback port of this process.</summary>
public sealed class DashboardFactory(IReadOnlyDictionary<string, string> settings) : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
    }
}
