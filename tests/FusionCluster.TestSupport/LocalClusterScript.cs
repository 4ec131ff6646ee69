using System.Diagnostics;
using System.Globalization;

namespace FusionCluster.TestSupport;

/// <summary>Drives deploy/local/cluster with its own state folder and free ports, and tears it down.</summary>
public sealed class LocalClusterScript : IAsyncDisposable
{
    private readonly string home = Directory.CreateTempSubdirectory("fusion-e2e-cluster-").FullName;
    private readonly Dictionary<string, string> environment;

    public LocalClusterScript(IReadOnlyDictionary<string, string>? siloEnvironment = null)
    {
        // This project references fusion-silo and fusion, so their builds are current: the script need not build them again.
        environment = new Dictionary<string, string>(siloEnvironment ?? new Dictionary<string, string>()) { ["FUSION_LOCAL_HOME"] = home, ["FUSION_LOCAL_PREBUILT"] = "1" };
    }

    /// <summary>Start the cluster's dashboard too (its users' passwords in <see cref="StateDirectory"/>/dashboard/passwords).</summary>
    public bool WithDashboard { get; init; }

    public int RedisPort { get; private set; } = FreePort.Next();

    public int BlobPort { get; private set; } = FreePort.Next();

    public string Redis => $"127.0.0.1:{RedisPort.ToString(CultureInfo.InvariantCulture)}";

    public string BlobConnection => AzuriteProcess.ConnectionStringFor(BlobPort);

    /// <summary>The cluster's state folder (pids, logs, the dashboard's generated passwords).</summary>
    public string StateDirectory => Path.Combine(home, "cluster");

    /// <summary>
    /// Starts the cluster. Other test projects pick free ports at the same time, so a port chosen here
    /// can be taken before Redis or Azurite binds it: the first start then tries again on new ports.
    /// </summary>
    /// <param name="dataRoots">Local folders the silos may read and write besides the cluster's own data folder (--data-root).</param>
    public async Task UpAsync(int silos, CancellationToken cancellationToken, params string[] dataRoots)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                // Most tests never drive the dashboard; starting it would only cost each `up` a process and its users.
                string[] arguments = ["up", .. (WithDashboard ? Array.Empty<string>() : ["--no-dashboard"]), "--silos", silos.ToString(CultureInfo.InvariantCulture), "--redis-port", RedisPort.ToString(CultureInfo.InvariantCulture), "--blob-port", BlobPort.ToString(CultureInfo.InvariantCulture)];
                await RunAsync(cancellationToken, [.. arguments, .. dataRoots.SelectMany(root => new[] { "--data-root", root })]);
                return;
            }
            catch (InvalidOperationException e) when (attempt < 3 && (e.Message.Contains("EADDRINUSE", StringComparison.Ordinal) || e.Message.Contains("in use", StringComparison.Ordinal)))
            {
                await RunAsync(cancellationToken, "down", "--purge");
                RedisPort = FreePort.Next();
                BlobPort = FreePort.Next();
            }
        }
    }

    public Task KillSiloAsync(int number, CancellationToken cancellationToken) =>
        RunAsync(cancellationToken, "kill-silo", number.ToString(CultureInfo.InvariantCulture));

    public async Task<string> RunAsync(CancellationToken cancellationToken, params string[] arguments)
    {
        var start = new ProcessStartInfo(Path.Combine(RepositoryRoot.Find(), "deploy", "local", "cluster"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).WaitAsync(TimeSpan.FromMinutes(10), cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"deploy/local/cluster {string.Join(' ', arguments)} exited {process.ExitCode}:\n{await output}\n{await errors}");
        }

        return await output;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await RunAsync(CancellationToken.None, "down", "--purge");
        }
        finally
        {
            if (Directory.Exists(home))
            {
                Directory.Delete(home, recursive: true);
            }
        }
    }
}
