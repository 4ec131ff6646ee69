using System.Globalization;
using System.Net.Sockets;
using Azure.Storage.Blobs;

namespace FusionCluster.TestSupport;

/// <summary>
/// A real Azurite blob service (npm azurite) on a free loopback port, for the Azure blob store in tests.
/// Disposing kills it and deletes its folder.
/// </summary>
public sealed class AzuriteProcess : IAsyncDisposable
{
    /// <summary>Azurite's well-known development account and key (public, from Azurite's README).</summary>
    public const string AccountName = "devstoreaccount1";

    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly ChildProcess server;

    private AzuriteProcess(ChildProcess server, int port, string directory)
    {
        this.server = server;
        Port = port;
        DataDirectory = directory;
    }

    public int Port { get; }

    /// <summary>http://127.0.0.1:port/devstoreaccount1</summary>
    public Uri BlobEndpoint => new($"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}/{AccountName}");

    /// <summary>The explicit development-storage connection string (UseDevelopmentStorage=true only knows port 10000).</summary>
    public string ConnectionString => ConnectionStringFor(Port);

    /// <summary>Azurite's folder: its --location (blob data and metadata) unless in memory, and its log.</summary>
    public string DataDirectory { get; }

    public ChildProcess Process => server;

    /// <summary>
    /// The connection string of a development-storage account on <paramref name="port"/>, the same form
    /// deploy/local/cluster prints.
    /// </summary>
    public static string ConnectionStringFor(int port) =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};BlobEndpoint=http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/{AccountName};";

    /// <summary>
    /// Starts azurite-blob and waits until a real service call succeeds. <paramref name="inMemory"/> keeps
    /// blob data in memory (faster; capped at half the machine's memory, so not for multi-GB tests).
    /// </summary>
    public static async Task<AzuriteProcess> StartAsync(bool inMemory = false, CancellationToken cancellationToken = default)
    {
        var executable = LocalTools.AzuriteBlob;
        var directory = Directory.CreateTempSubdirectory("fusion-azurite-").FullName;
        try
        {
            return await FreePortServer.StartAsync(
                port => Launch(executable, port, directory, inMemory),
                async (server, port) =>
                {
                    await WaitUntilServingAsync(server, port, cancellationToken);
                    return new AzuriteProcess(server, port, directory);
                },
                portTaken: "EADDRINUSE");
        }
        catch
        {
            TemporaryDirectory.Delete(directory);
            throw;
        }
    }

    /// <summary>A client for the whole account.</summary>
    public BlobServiceClient CreateServiceClient() => new(ConnectionString);

    public async ValueTask DisposeAsync()
    {
        await server.DisposeAsync();
        TemporaryDirectory.Delete(DataDirectory);
    }

    private static ChildProcess Launch(string executable, int port, string directory, bool inMemory)
    {
        List<string> arguments =
        [
            "--blobHost", "127.0.0.1",
            "--blobPort", port.ToString(CultureInfo.InvariantCulture),
            // Azure.Storage.Blobs 12.30 sends an API version newer than Azurite 3.37 knows.
            "--skipApiVersionCheck",
            "--loose",
            "--silent",
            // Azurite reports usage to Microsoft by default; tests send nothing anywhere (deploy/local/cluster says more).
            "--disableTelemetry",
        ];
        // Azurite refuses --location together with --inMemoryPersistence; it runs in the folder instead.
        arguments.AddRange(inMemory ? ["--inMemoryPersistence"] : ["--location", directory]);
        return ChildProcess.Start("azurite-blob", executable, arguments, Path.Combine(directory, "azurite.log"), workingDirectory: directory);
    }

    private static async Task WaitUntilServingAsync(ChildProcess server, int port, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        var client = new BlobServiceClient(ConnectionStringFor(port), new BlobClientOptions { Retry = { MaxRetries = 0 } });
        Exception? lastFailure = null;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (server.HasExited)
            {
                throw new ChildProcessExitedException(
                    $"azurite-blob on port {port} exited with code {server.ExitCode} while starting; last output:\n{server.Tail()}", server.ExitCode);
            }

            if (await AcceptsConnectionsAsync(port, cancellationToken))
            {
                try
                {
                    await client.GetPropertiesAsync(cancellationToken);
                    return;
                }
                catch (Exception e) when (e is Azure.RequestFailedException or HttpRequestException or IOException)
                {
                    lastFailure = e;
                }
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException(
                    $"azurite-blob on port {port} did not serve within {StartTimeout.TotalSeconds} s (last error: {lastFailure?.Message ?? "port closed"}); last output:\n{server.Tail()}");
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    private static async Task<bool> AcceptsConnectionsAsync(int port, CancellationToken cancellationToken)
    {
        try
        {
            using var probe = new TcpClient();
            await probe.ConnectAsync("127.0.0.1", port, cancellationToken);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
