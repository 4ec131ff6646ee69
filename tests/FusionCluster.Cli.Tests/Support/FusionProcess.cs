using FusionCluster.Cli.Commands;
using FusionCluster.TestSupport;

namespace FusionCluster.Cli.Tests.Support;

/// <summary>Runs the real <c>fusion</c> executable (the built fusion.dll) as a child process.</summary>
public static class FusionProcess
{
    // Generous: CI machines have two cores, and a slow run should fail on its output, not on a timer.
    public static Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] arguments) =>
        DotnetTool.RunAsync(typeof(MergeCommand).Assembly.Location, arguments, TimeSpan.FromSeconds(180), TestContext.Current.CancellationToken);

    /// <summary>Starts a long-running fusion child (output to <paramref name="logPath"/>) for tests that signal it.</summary>
    public static ChildProcess Start(string logPath, params string[] arguments) => Start(logPath, environment: null, arguments);

    /// <summary>The same with <paramref name="environment"/> changed (a null value removes the variable).</summary>
    public static ChildProcess Start(string logPath, IReadOnlyDictionary<string, string?>? environment, params string[] arguments) =>
        ChildProcess.Start("fusion", DotnetTool.Host, [typeof(MergeCommand).Assembly.Location, .. arguments], logPath, environment);
}
