using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace FusionCluster.Dashboard.Hosting;

/// <summary>
/// X-Forwarded-For/-Proto are honoured only from the proxies in Fusion:Dashboard:KnownProxies (addresses)
/// and Fusion:Dashboard:KnownNetworks (CIDR ranges, e.g. the ingress controller's pod range). Without
/// either, the headers are ignored: trusting them from any peer would let a client choose the address the
/// sign-in rate limit counts.
/// </summary>
public static class ForwardedHeadersSetup
{
    public const string KnownProxiesKey = "Fusion:Dashboard:KnownProxies";
    public const string KnownNetworksKey = "Fusion:Dashboard:KnownNetworks";

    /// <summary>The options to use, or null when no proxy is configured.</summary>
    /// <exception cref="InvalidOperationException">An entry is not an IP address or CIDR range; the message names the key.</exception>
    public static ForwardedHeadersOptions? FromConfiguration(IConfiguration configuration)
    {
        var proxies = ReadList(configuration, KnownProxiesKey);
        var networks = ReadList(configuration, KnownNetworksKey);
        if (proxies.Count == 0 && networks.Count == 0)
        {
            return null;
        }

        var options = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto };
        // The defaults trust loopback; only what is configured is trusted here.
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var proxy in proxies)
        {
            options.KnownProxies.Add(IPAddress.TryParse(proxy, out var address)
                ? address
                : throw new InvalidOperationException($"{KnownProxiesKey}: '{proxy}' is not an IP address"));
        }

        foreach (var network in networks)
        {
            options.KnownIPNetworks.Add(System.Net.IPNetwork.TryParse(network, out var range)
                ? range
                : throw new InvalidOperationException($"{KnownNetworksKey}: '{network}' is not a CIDR range such as 10.244.0.0/16"));
        }

        return options;
    }

    /// <summary>An array (Key:0, Key:1, ...) or one comma-separated value (handy in one environment variable).</summary>
    private static List<string> ReadList(IConfiguration configuration, string key)
    {
        var section = configuration.GetSection(key);
        var values = section.Value is { Length: > 0 } single ? [single] : section.GetChildren().Select(child => child.Value ?? "");
        return values
            .SelectMany(value => value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .ToList();
    }
}
