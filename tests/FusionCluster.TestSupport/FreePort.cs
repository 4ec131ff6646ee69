using System.Net;
using System.Net.Sockets;

namespace FusionCluster.TestSupport;

/// <summary>Free loopback TCP ports for servers the tests start.</summary>
public static class FreePort
{
    /// <summary>
    /// A port that was free a moment ago. Another process can take it before the caller binds it, so
    /// servers started on it retry with a new port when binding fails.
    /// </summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
