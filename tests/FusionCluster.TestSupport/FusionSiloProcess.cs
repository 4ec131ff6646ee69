using System.Globalization;
using System.Reflection;

namespace FusionCluster.TestSupport;

/// <summary>
/// A real fusion-silo process (the built src/FusionCluster.Silo), started on free loopback ports and
/// waited for until it prints its ready line. A test project that uses this must reference
/// src/FusionCluster.Silo with <c>ReferenceOutputAssembly="false"</c> so the silo is built with it.
/// </summary>
public sealed class FusionSiloProcess : IAsyncDisposable
{
    private static readonly TimeSpan DefaultReadyTimeout = TimeSpan.FromSeconds(90);

    private FusionSiloProcess(ChildProcess process, SiloReadyLine ready)
    {
        Process = process;
        Ready = ready;
    }

    public ChildProcess Process { get; }

    /// <summary>What the silo announced: name, role, ports, unit slots, device.</summary>
    public SiloReadyLine Ready { get; }

    public string Name => Ready.Name;

    public int SiloPort => Ready.SiloPort;

    public int GatewayPort => Ready.GatewayPort;

    /// <summary>
    /// src/FusionCluster.Silo/bin/&lt;configuration&gt;/net10.0/fusion-silo.dll, for the configuration
    /// this library was built in (tests and the silo are built together).
    /// </summary>
    /// <exception cref="FileNotFoundException">The silo has not been built in that configuration.</exception>
    public static string AssemblyPath
    {
        get
        {
            var configuration = typeof(FusionSiloProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
            var path = Path.Combine(RepositoryRoot.Find(), "src", "FusionCluster.Silo", "bin", configuration, "net10.0", "fusion-silo.dll");
            return File.Exists(path)
                ? path
                : throw new FileNotFoundException(
                    $"fusion-silo is not built at {path}; reference src/FusionCluster.Silo from the test project "
                    + "(ReferenceOutputAssembly=\"false\") or run dotnet build -c " + configuration, path);
        }
    }

    /// <summary>
    /// Starts a silo joining the cluster whose membership lives in <paramref name="redisConnection"/>.
    /// <paramref name="arguments"/> are extra fusion-silo options (for example <c>--role coordinator</c>, or
    /// <c>--Fusion:Silo:Membership:ProbeTimeout 00:00:01</c> for faster crash detection); the log goes to
    /// <paramref name="logDirectory"/> as &lt;name&gt;.log (default: a uniquely named file in the system temp folder).
    /// </summary>
    /// <exception cref="TimeoutException">No ready line in time; the message quotes the log's tail.</exception>
    /// <exception cref="ChildProcessExitedException">The silo exited while starting.</exception>
    public static async Task<FusionSiloProcess> StartAsync(
        string redisConnection,
        string name,
        IEnumerable<string>? arguments = null,
        IReadOnlyDictionary<string, string?>? environment = null,
        string? logDirectory = null,
        TimeSpan? readyTimeout = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(redisConnection);
        ArgumentException.ThrowIfNullOrEmpty(name);
        var assembly = AssemblyPath;
        var extra = arguments?.ToList() ?? [];
        var logPath = logDirectory is null
            ? Path.Combine(Path.GetTempPath(), $"fusion-{name}-{Guid.NewGuid().ToString("N")[..8]}.log")
            : Path.Combine(logDirectory, $"{name}.log");

        return await FreePortServer.StartAsync(
            siloPort =>
            {
                List<string> commandLine =
                [
                    assembly,
                    "--redis", redisConnection,
                    "--name", name,
                    "--silo-port", siloPort.ToString(CultureInfo.InvariantCulture),
                    "--gateway-port", FreePort.Next().ToString(CultureInfo.InvariantCulture),
                    .. extra,
                ];
                return ChildProcess.Start(name, DotnetHost, commandLine, logPath, environment);
            },
            async (process, _) =>
            {
                var line = await process.WaitForLineAsync(SiloReadyLine.IsReadyLine, readyTimeout ?? DefaultReadyTimeout, cancellationToken);
                return new FusionSiloProcess(process, SiloReadyLine.Parse(line));
            },
            portTaken: "Address already in use");
    }

    /// <summary>SIGTERM, then the exit code once the silo has left the cluster.</summary>
    public async Task<int> StopAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        Process.Terminate();
        return await Process.WaitForExitAsync(timeout, cancellationToken);
    }

    /// <summary>SIGKILL: a crash; the cluster notices only through its failure detector.</summary>
    public void Kill() => Process.Kill();

    public ValueTask DisposeAsync() => Process.DisposeAsync();

    /// <summary>The dotnet that runs the tests (DOTNET_HOST_PATH), else dotnet on PATH.</summary>
    private static string DotnetHost =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
}
