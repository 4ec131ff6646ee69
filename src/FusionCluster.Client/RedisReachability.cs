using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace FusionCluster.Client;

/// <summary>
/// A first look at a cluster's Redis before Orleans' client is started: Orleans retries an address that refuses
/// connections until its own timeout (30 s) and then reports only "the operation has timed out". A port with nothing
/// behind it, or a host name that does not resolve, is known at once, and said so.
/// </summary>
internal static class RedisReachability
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(3);

    /// <summary>Why none of the connection string's endpoints can be reached, or null when one answers or one gives no answer yet (left to Orleans).</summary>
    public static async Task<string?> RefusalAsync(string redis, CancellationToken cancellationToken)
    {
        // A connection string may leave the port out (localhost, host,ssl=true, host,serviceName=...): the client's default then.
        var options = ConfigurationOptions.Parse(redis);
        options.SetDefaultPorts();
        var endpoints = options.EndPoints;
        var refusals = new List<string>();
        foreach (var endpoint in endpoints)
        {
            var (host, port) = endpoint switch
            {
                DnsEndPoint dns => (dns.Host, dns.Port),
                IPEndPoint ip => (ip.Address.ToString(), ip.Port),
                _ => (null, 0),
            };
            if (host is null)
            {
                return null;
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(ProbeTimeout);
            using var client = new TcpClient();
            try
            {
                await client.ConnectAsync(host, port, timeout.Token);
                return null;
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionRefused)
            {
                refusals.Add($"nothing listens on {host}:{port} (connection refused)");
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain)
            {
                refusals.Add($"the host name '{host}' does not resolve");
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // No answer within the probe's time, or another network error: Orleans' own attempt decides.
                return null;
            }
        }

        return refusals.Count == 0 ? null : string.Join("; ", refusals);
    }
}
