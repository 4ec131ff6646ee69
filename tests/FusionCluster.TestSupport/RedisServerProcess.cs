using System.Net.Sockets;
using System.Text;

namespace FusionCluster.TestSupport;

/// <summary>
/// A real redis-server on a free loopback port with its own temporary folder, for Orleans clustering,
/// grain state and reminders in tests. Disposing kills it and deletes the folder.
/// </summary>
public sealed class RedisServerProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);

    private readonly bool appendOnly;
    private ChildProcess server;

    private RedisServerProcess(ChildProcess server, int port, string directory, bool appendOnly)
    {
        this.server = server;
        Port = port;
        DataDirectory = directory;
        this.appendOnly = appendOnly;
    }

    public int Port { get; }

    /// <summary>"127.0.0.1:port", the form Orleans' Redis providers and StackExchange.Redis take.</summary>
    public string ConnectionString => $"127.0.0.1:{Port}";

    /// <summary>The server's working folder (its log, and its data files when persistence is on).</summary>
    public string DataDirectory { get; }

    /// <summary>The running server process (its id, log and output).</summary>
    public ChildProcess Process => server;

    /// <summary>
    /// Starts redis-server and waits until it answers PING. With <paramref name="appendOnly"/> every
    /// write also goes to an append-only file, so even a killed server comes back with its data.
    /// </summary>
    public static async Task<RedisServerProcess> StartAsync(bool appendOnly = false, CancellationToken cancellationToken = default)
    {
        var executable = LocalTools.RedisServer;
        var directory = Directory.CreateTempSubdirectory("fusion-redis-").FullName;
        try
        {
            return await FreePortServer.StartAsync(
                port => Launch(executable, port, directory, appendOnly),
                async (server, port) =>
                {
                    await WaitUntilServingAsync(server, port, cancellationToken);
                    return new RedisServerProcess(server, port, directory, appendOnly);
                },
                portTaken: "Address already in use");
        }
        catch
        {
            TemporaryDirectory.Delete(directory);
            throw;
        }
    }

    /// <summary>
    /// Stops the server the clean way (SHUTDOWN SAVE writes a snapshot) and starts it again on the same
    /// port and folder, so the data survives: for tests where everything but Redis restarts, or Redis too.
    /// </summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        // Success closes the connection without a reply; a reply is Redis refusing (for example a failed save).
        var refusal = await SendCommandAsync(Port, "SHUTDOWN SAVE", cancellationToken);
        if (refusal is not null)
        {
            throw new InvalidOperationException($"redis-server on port {Port} refused SHUTDOWN SAVE: {refusal}");
        }

        var exitCode = await server.WaitForExitAsync(StartTimeout, cancellationToken);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"redis-server on port {Port} exited with code {exitCode} on SHUTDOWN SAVE; last output:\n{server.Tail()}");
        }

        await server.DisposeAsync();
        server = Launch(LocalTools.RedisServer, Port, DataDirectory, appendOnly);
        await WaitUntilServingAsync(server, Port, cancellationToken);
    }

    /// <summary>Kills the server (no snapshot) and deletes its folder.</summary>
    public async ValueTask DisposeAsync()
    {
        await server.DisposeAsync();
        TemporaryDirectory.Delete(DataDirectory);
    }

    private static ChildProcess Launch(string executable, int port, string directory, bool appendOnly) =>
        ChildProcess.Start(
            "redis-server",
            executable,
            [
                "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--bind", "127.0.0.1",
                "--dir", directory,
                "--save", string.Empty,
                "--appendonly", appendOnly ? "yes" : "no",
                "--daemonize", "no",
            ],
            Path.Combine(directory, "redis-server.log"));

    private static async Task WaitUntilServingAsync(ChildProcess server, int port, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (server.HasExited)
            {
                throw new ChildProcessExitedException(
                    $"redis-server on port {port} exited with code {server.ExitCode} while starting; last output:\n{server.Tail()}", server.ExitCode);
            }

            try
            {
                if (await SendCommandAsync(port, "PING", cancellationToken) == "+PONG")
                {
                    return;
                }
            }
            catch (SocketException)
            {
                // Not listening yet.
            }
            catch (IOException)
            {
                // Listening but not serving yet (for example still loading its data).
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"redis-server on port {port} did not answer PING within {StartTimeout.TotalSeconds} s; last output:\n{server.Tail()}");
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    /// <summary>
    /// One inline command over a raw socket, enough for PING and SHUTDOWN without a client library.
    /// Returns the first reply line, or null when the server closed the connection instead.
    /// </summary>
    private static async Task<string?> SendCommandAsync(int port, string command, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        await client.ConnectAsync("127.0.0.1", port, timeout.Token);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(command + "\r\n"), timeout.Token);
        using var reader = new StreamReader(stream, Encoding.ASCII);
        return await reader.ReadLineAsync(timeout.Token);
    }
}
