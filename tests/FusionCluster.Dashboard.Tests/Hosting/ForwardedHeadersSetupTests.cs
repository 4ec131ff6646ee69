using System.Net;
using FusionCluster.Dashboard.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FusionCluster.Dashboard.Tests.Hosting;

/// <summary>X-Forwarded-For counts only when it comes from a configured proxy, run through ASP.NET Core's own middleware.</summary>
public sealed class ForwardedHeadersSetupTests
{
    [Theory]
    [InlineData("10.244.1.7", "203.0.113.9")]
    [InlineData("192.168.5.5", "192.168.5.5")]
    [InlineData("127.0.0.1", "127.0.0.1")]
    public async Task Only_a_peer_in_the_known_networks_or_proxies_sets_the_client_address(string peer, string expectedClient)
    {
        var options = ForwardedHeadersSetup.FromConfiguration(Configuration(new()
        {
            ["Fusion:Dashboard:KnownNetworks"] = "10.244.0.0/16",
            ["Fusion:Dashboard:KnownProxies:0"] = "10.0.0.15",
        }));
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(peer);
        context.Request.Headers["X-Forwarded-For"] = "203.0.113.9";
        var middleware = new ForwardedHeadersMiddleware(_ => Task.CompletedTask, NullLoggerFactory.Instance, Options.Create(options!));

        await middleware.Invoke(context);

        Assert.Equal(IPAddress.Parse(expectedClient), context.Connection.RemoteIpAddress);
    }

    [Fact]
    public void Without_proxies_forwarded_headers_are_not_used()
    {
        Assert.Null(ForwardedHeadersSetup.FromConfiguration(Configuration(new())));
    }

    [Fact]
    public void A_bad_network_is_refused_naming_the_key()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            ForwardedHeadersSetup.FromConfiguration(Configuration(new() { ["Fusion:Dashboard:KnownNetworks:0"] = "10.244.0.0" })));

        Assert.Contains("Fusion:Dashboard:KnownNetworks", error.Message, StringComparison.Ordinal);
    }

    private static IConfiguration Configuration(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();
}
