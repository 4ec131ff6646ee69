using System.CommandLine;
using System.Diagnostics;
using System.Security.Cryptography;
using FusionCluster.Client;
using FusionCluster.Evaluation.Evaluators;
using FusionCluster.Hosting;

namespace FusionCluster.Cli.Commands;

/// <summary>
/// fusion dashboard: serves the web dashboard on this machine. It runs the dashboard program
/// (fusion-dashboard.dll, a Blazor Server app) as a child process rather than inside fusion, so the
/// CLI stays a plain console program and the dashboard keeps its own web host, static files and
/// configuration. With --cluster (or $FUSION_CLUSTER) it is an Orleans client of that cluster; otherwise
/// this process hosts a single-machine silo (the same <see cref="EmbeddedCluster"/> as fusion merge) and
/// the dashboard is a client of its loopback gateway, so merges submitted from the browser run here.
/// </summary>
public static class DashboardCommand
{
    private const string DashboardDll = "fusion-dashboard.dll";
    private const string GeneratedUser = "operator";

    public static Command Create()
    {
        var cluster = new ClusterOptions();
        var urls = new Option<string>("--urls") { Description = "where to listen", DefaultValueFactory = _ => "http://127.0.0.1:5080" };
        var models = new Option<DirectoryInfo?>("--models") { Description = "folder that relative model paths of submitted specs start from (default: the current folder)" };
        var output = new Option<string?>("--output") { Description = "output location the New merge page proposes (a folder or az://container/prefix)" };
        var connectResults = new Option<string?>("--connect-results") { Description = "folder or az://container/prefix the Connectivity page lists fusion connect --publish results from (a folder becomes a data root)" };
        var benchmarkResults = new Option<string?>("--benchmark-results") { Description = "folder or az://container/prefix the Benchmarks page lists fusion benchmark multitask --publish results from (a folder becomes a data root)" };
        var allowCommand = new Option<bool>(CommandEvaluatorOptions.Switch) { Description = "embedded: let sweeps run their command evaluator on this machine (off by default; a cluster's silos decide for themselves)" };
        var dataRoots = new Option<string[]>("--data-root")
        {
            Description = "a local folder merges may read and write; repeat for several (the --models folder and a local --output are always included)",
            DefaultValueFactory = _ => [],
        };
        var command = new Command("dashboard", "Serve the web dashboard (watch the cluster, submit and cancel merges) on this machine")
        {
            urls, models, output, dataRoots, connectResults, benchmarkResults, allowCommand, HashPassword(),
        };
        cluster.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (!TryLocate(out var dll))
            {
                return MergeCommand.Fail($"cannot find {DashboardDll}: build src/FusionCluster.Dashboard (or publish fusion, which includes it), or set FUSION_DASHBOARD to its path");
            }

            var redis = parse.GetValue(cluster.Redis);
            var specDirectory = parse.GetValue(models)?.FullName ?? Directory.GetCurrentDirectory();
            var environment = new Dictionary<string, string>
            {
                ["Fusion__Dashboard__SpecDirectory"] = specDirectory,
            };

            // The browser chooses model and output folders: they are confined to the folders named here,
            // for the dashboard (artifacts) and for the embedded silo (merges).
            // Published results are read through the data roots: a local results folder becomes one.
            var resultFolders = new List<string>();
            foreach (var (option, setting) in new[] { (connectResults, "Fusion__Dashboard__ConnectResults"), (benchmarkResults, "Fusion__Dashboard__BenchmarkResults") })
            {
                if (parse.GetValue(option) is { Length: > 0 } given)
                {
                    var results = given.Contains("://", StringComparison.Ordinal) ? given : Path.GetFullPath(given);
                    environment[setting] = results;
                    if (!results.Contains("://", StringComparison.Ordinal))
                    {
                        resultFolders.Add(results);
                    }
                }
            }

            var roots = DashboardDataRoots.From([.. parse.GetValue(dataRoots) ?? [], .. resultFolders], specDirectory, parse.GetValue(output));
            var siloSettings = FusionSettingsFromEnvironment();
            foreach (var (key, folder) in EmbeddedCluster.DataRootSettings(roots))
            {
                // The dashboard's process reads the same settings from its environment.
                environment[key.Replace(":", "__", StringComparison.Ordinal)] = folder!;
                siloSettings[key] = folder;
            }

            await using var embedded = string.IsNullOrWhiteSpace(redis)
                ? await EmbeddedCluster.StartAsync(unitSlots: 0, cancellationToken, settings: siloSettings, allowCommandEvaluator: parse.GetValue(allowCommand))
                : null;
            if (embedded is not null)
            {
                environment["Fusion__Cluster__Gateway"] = embedded.Endpoint.GatewayPort!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
                // In the environment, which only this user reads: the id is what keeps other users' clients off the port.
                environment["Fusion__Cluster__Id"] = embedded.Endpoint.ClusterId;
            }
            else
            {
                environment["Fusion__Cluster__Redis"] = redis!;
                environment["Fusion__Cluster__Id"] = parse.GetValue(cluster.ClusterId)!;
            }

            if (parse.GetValue(output) is { Length: > 0 } proposed)
            {
                environment["Fusion__Dashboard__DefaultOutput"] = proposed.Contains("://", StringComparison.Ordinal) ? proposed : Path.GetFullPath(proposed);
            }

            var listen = parse.GetValue(urls)!;
            var mode = string.IsNullOrWhiteSpace(redis) ? "with an embedded single-machine cluster" : $"for the cluster at {ClusterEndpoint.Redacted(redis)}";
            if (!UsersConfigured())
            {
                // No users in the environment: one operator for this run, its password shown once and held
                // only as a hash by the dashboard.
                var password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(12)).Replace('+', 'x').Replace('/', 'y');
                var hash = await HashAsync(dll, password, cancellationToken);
                if (hash is null)
                {
                    return MergeCommand.Fail("could not hash the generated password (fusion-dashboard hash-password failed)");
                }

                environment[$"Fusion__Dashboard__Users__{GeneratedUser}__PasswordHash"] = hash;
                environment[$"Fusion__Dashboard__Users__{GeneratedUser}__Role"] = "operator";
                System.Console.WriteLine($"dashboard: {listen} {mode}");
                System.Console.WriteLine($"sign in as '{GeneratedUser}' with password {password} (made for this run; set Fusion__Dashboard__Users__<name>__PasswordHash and __Role to choose users; fusion dashboard hash-password makes hashes)");
            }
            else
            {
                System.Console.WriteLine($"dashboard: {listen} {mode}");
            }

            return await RunAsync(dll, ["--urls", listen, "--contentRoot", Path.GetDirectoryName(dll)!], environment, cancellationToken);
        });
        return command;
    }

    /// <summary>
    /// The silo settings a user gave this process as Fusion__* environment variables (storage roots, blob
    /// connection, job and sweep options), which the embedded silo would have read inside the dashboard before.
    /// </summary>
    private static Dictionary<string, string?> FusionSettingsFromEnvironment() =>
        Environment.GetEnvironmentVariables().Keys.OfType<string>()
            .Where(key => key.StartsWith("Fusion__", StringComparison.OrdinalIgnoreCase) && !key.StartsWith("Fusion__Dashboard__", StringComparison.OrdinalIgnoreCase))
            .ToDictionary(key => key.Replace("__", ":", StringComparison.Ordinal), key => Environment.GetEnvironmentVariable(key));

    private static Command HashPassword()
    {
        var command = new Command("hash-password", "Read a password (typed twice, or the first line of stdin) and print its hash for Fusion:Dashboard:Users:<name>:PasswordHash");
        command.SetAction(async (parse, cancellationToken) =>
            TryLocate(out var dll)
                ? await RunAsync(dll, ["hash-password"], new Dictionary<string, string>(), cancellationToken)
                : MergeCommand.Fail($"cannot find {DashboardDll}: build src/FusionCluster.Dashboard, or set FUSION_DASHBOARD to its path"));
        return command;
    }

    /// <summary>
    /// $FUSION_DASHBOARD (the dll or its folder); then dashboard/ next to fusion (a published fusion);
    /// then the dashboard's build output beside this build of fusion in a source checkout.
    /// </summary>
    private static bool TryLocate(out string dll)
    {
        var here = AppContext.BaseDirectory;
        var configuration = new DirectoryInfo(here).Parent?.Name ?? "Release";
        string?[] candidates =
        [
            Environment.GetEnvironmentVariable("FUSION_DASHBOARD") is { Length: > 0 } given ? (Directory.Exists(given) ? Path.Combine(given, DashboardDll) : given) : null,
            Path.Combine(here, "dashboard", DashboardDll),
            Path.GetFullPath(Path.Combine(here, "..", "..", "..", "..", "FusionCluster.Dashboard", "bin", configuration, "net10.0", DashboardDll)),
        ];
        dll = candidates.FirstOrDefault(c => c is not null && File.Exists(c)) ?? "";
        return dll.Length > 0;
    }

    private static bool UsersConfigured() =>
        Environment.GetEnvironmentVariables().Keys.OfType<string>().Any(k => k.StartsWith("Fusion__Dashboard__Users__", StringComparison.OrdinalIgnoreCase));

    private static async Task<string?> HashAsync(string dll, string password, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("hash-password");
        using var process = Process.Start(start)!;
        await process.StandardInput.WriteLineAsync(password.AsMemory(), cancellationToken);
        process.StandardInput.Close();
        var hash = (await process.StandardOutput.ReadToEndAsync(cancellationToken)).Trim();
        await process.WaitForExitAsync(cancellationToken);
        return process.ExitCode == 0 && hash.Length > 0 ? hash : null;
    }

    /// <summary>Runs the dashboard with this terminal; Ctrl-C or SIGTERM to fusion stops it gracefully.</summary>
    private static async Task<int> RunAsync(string dll, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false };
        start.ArgumentList.Add(dll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;

        try
        {
            await process.WaitForExitAsync(cancellationToken);
            return process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            // Ctrl-C reaches the dashboard from the terminal as well; a SIGTERM to fusion alone (a service
            // manager, kill) is passed on here, and fusion waits for the dashboard's graceful stop.
            if (!process.HasExited)
            {
                Terminate(process.Id);
            }

            // A dashboard that has not stopped within its grace period is ended with its whole tree.
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
            }

            return 130;
        }
    }

    /// <summary>SIGTERM, through kill(1): the dashboard then stops like a web host does (requests finish, the silo leaves).</summary>
    private static void Terminate(int pid)
    {
        try
        {
            using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", pid.ToString(System.Globalization.CultureInfo.InvariantCulture) }, UseShellExecute = false });
            kill?.WaitForExit(5_000);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // No kill(1) here: the wait below ends in a hard kill.
        }
    }
}
