namespace FusionCluster.TestSupport;

/// <summary>Servers the tests start on a port chosen free a moment ago (<see cref="FreePort"/>).</summary>
public static class FreePortServer
{
    /// <summary>
    /// Launches a server on a free port and waits until it serves. Another process can take the port between choosing
    /// and binding it; when the server exits saying so (<paramref name="portTaken"/> in its last output), it is launched
    /// again on a fresh port, three tries in all. A server that fails otherwise is killed and the failure thrown.
    /// </summary>
    /// <param name="launch">Starts the server on the port given.</param>
    /// <param name="serving">Waits until the server on the port given serves, and returns what the caller hands out.</param>
    public static async Task<T> StartAsync<T>(Func<int, ChildProcess> launch, Func<ChildProcess, int, Task<T>> serving, string portTaken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort.Next();
            var server = launch(port);
            try
            {
                return await serving(server, port);
            }
            catch (Exception) when (attempt < 3 && server.HasExited && server.Tail().Contains(portTaken, StringComparison.OrdinalIgnoreCase))
            {
                await server.DisposeAsync();
            }
            catch
            {
                await server.DisposeAsync();
                throw;
            }
        }
    }
}
