using System.Diagnostics;
using FusionCluster.Cli.Commands;

namespace FusionCluster.Cli.Tests.Support;

/// <summary>Runs the real <c>fusion</c> executable (the built fusion.dll) as a child process.</summary>
public static class FusionProcess
{
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] arguments)
    {
        var fusionDll = typeof(MergeCommand).Assembly.Location;
        Assert.True(File.Exists(fusionDll), $"{fusionDll} not found");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(fusionDll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        // Generous: CI machines have two cores, and a slow run should fail on its output, not on a timer.
        timeout.CancelAfter(TimeSpan.FromSeconds(180));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Starts a long-running fusion child (output to <paramref name="logPath"/>) for tests that signal it.</summary>
    public static ChildProcess Start(string logPath, params string[] arguments) => Start(logPath, environment: null, arguments);

    /// <summary>The same with <paramref name="environment"/> changed (a null value removes the variable).</summary>
    public static ChildProcess Start(string logPath, IReadOnlyDictionary<string, string?>? environment, params string[] arguments)
    {
        var fusionDll = typeof(MergeCommand).Assembly.Location;
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } path ? path : "dotnet";
        return ChildProcess.Start("fusion", host, [fusionDll, .. arguments], logPath, environment);
    }
}
