using System.Net;
using System.Net.Sockets;

namespace FusionCluster.Hosting;

public static class LoopbackPort
{
    /// <summary>A loopback TCP port that was free a moment ago, so several processes can host silos side by side.</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
