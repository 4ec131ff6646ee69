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

    /// <summary>
    /// Two different loopback ports that were free a moment ago: the first is held while the second is chosen, where two
    /// calls of <see cref="Free"/> may get the same port back from the kernel.
    /// </summary>
    public static (int First, int Second) FreePair()
    {
        using var first = new TcpListener(IPAddress.Loopback, 0);
        first.Start();
        return (((IPEndPoint)first.LocalEndpoint).Port, Free());
    }

    /// <summary>True when <paramref name="error"/>, or an error inside it, is a bind refused because the address is in use.</summary>
    public static bool IsTaken(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return error switch
        {
            SocketException socket => socket.SocketErrorCode == SocketError.AddressAlreadyInUse,
            AggregateException aggregate => aggregate.InnerExceptions.Any(IsTaken),
            _ => error.InnerException is { } inner && IsTaken(inner),
        };
    }
}
