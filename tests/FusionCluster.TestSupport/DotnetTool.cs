using System.Diagnostics;

namespace FusionCluster.TestSupport;

/// <summary>Runs a built .NET program (its .dll) to its end as a child process and captures both streams.</summary>
public static class DotnetTool
{
    /// <summary>The muxer that runs this test (DOTNET_HOST_PATH under dotnet test), else <c>dotnet</c> on PATH.</summary>
    public static string Host => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";

    /// <exception cref="TimeoutException">Still running after <paramref name="timeout"/> (it is killed with its children).</exception>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(
        string dll,
        IEnumerable<string> arguments,
        TimeSpan timeout,
        CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"{dll} not found: build it first", dll);
        }

        return await RunHostAsync([dll, .. arguments], timeout, cancellationToken, environment);
    }

    /// <summary>The muxer itself with <paramref name="arguments"/> (an SDK command such as <c>msbuild</c>), run to its end.</summary>
    /// <exception cref="TimeoutException">Still running after <paramref name="timeout"/> (it is killed with its children).</exception>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunHostAsync(
        IReadOnlyList<string> arguments,
        TimeSpan timeout,
        CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(Host) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            if (cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            throw new TimeoutException($"{Path.GetFileName(arguments[0])} {string.Join(' ', arguments.Skip(1))} was still running after {timeout.TotalSeconds:0} s");
        }

        return (process.ExitCode, await stdout, await stderr);
    }
}
