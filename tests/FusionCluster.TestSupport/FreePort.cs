using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace FusionCluster.TestSupport;

/// <summary>Free loopback TCP ports for servers the tests start.</summary>
public static class FreePort
{
    /// <summary>Every port handed out in this process: the kernel offers a port again once its probe closed.</summary>
    private static readonly ConcurrentDictionary<int, bool> HandedOut = new();

    /// <summary>
    /// A port that was free a moment ago and that no earlier call in this process returned: a test that takes one port
    /// for a silo's health endpoint and then starts the silo (which takes two more) must not get the same one twice,
    /// which the kernel's choice alone allowed. Another process can still take it before the caller binds it, so
    /// servers started on it retry with a new port when binding fails.
    /// </summary>
    public static int Next()
    {
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            if (HandedOut.TryAdd(port, true))
            {
                return port;
            }
        }
    }
}
