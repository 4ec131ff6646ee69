using System.Diagnostics;
using FusionCluster.Cli.Tests.Support;
using FusionCluster.Core.Storage;
using FusionCluster.Core.Synthesis;
using FusionCluster.Core.Tensors;

namespace FusionCluster.Cli.Tests.Commands;

/// <summary>
/// Real SIGINT and SIGTERM to a real <c>fusion sweep run</c> child while its first merge runs: it stops within
/// seconds, exits 130 (143), promotes nothing, publishes no merge, leaves no staging in the sweep's folder, and records
/// the run as cancelled.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class SweepSignalProcessTests
{
    // About 60 MB per float32 model and one unit at a time, as in MergeSignalProcessTests: a merge takes seconds.
    private static readonly SyntheticModelShape Shape = new(Hidden: 512, Intermediate: 1376, Layers: 6, Vocab: 4096, Heads: 8);

    [Theory]
    [InlineData(UnixSignal.Interrupt, 130)]
    [InlineData(UnixSignal.Terminate, 143)]
    public async Task A_signal_mid_sweep_stops_it_publishes_nothing_and_removes_its_staging(int signal, int expectedExitCode)
    {
        using var temp = new TempDirectory();
        SyntheticCheckpoint.Write(temp.Combine("base"), Shape, DType.F32, baseSeed: 5, variant: 0, cancellationToken: TestContext.Current.CancellationToken);
        SyntheticCheckpoint.Write(temp.Combine("ft-1"), Shape, DType.F32, baseSeed: 5, variant: 1, cancellationToken: TestContext.Current.CancellationToken);
        SyntheticCheckpoint.Write(temp.Combine("ft-2"), Shape, DType.F32, baseSeed: 5, variant: 2, cancellationToken: TestContext.Current.CancellationToken);
        var sweep = temp.Combine("sweep.yaml");
        await File.WriteAllTextAsync(sweep, """
            template:
              merge_method: ties
              base_model: base
              models:
                - model: ft-1
                  parameters: {weight: 1.0, density: 0.5}
                - model: ft-2
                  parameters: {weight: 1.0, density: 0.5}
            space:
              grid:
                models[0].parameters.density: [0.3, 0.5, 0.7]
            evaluator:
              tensors: {compare: [ft-1], base: base}
            objective: {metric: cosine/ft-1}
            max_concurrent: 1
            out: sweep-out
            """, TestContext.Current.CancellationToken);
        var output = temp.Combine("sweep-out");

        await using var fusion = FusionProcess.Start(temp.Combine("fusion.log"), "sweep", "run", sweep, "--parallel", "1");
        await WaitForStagingAsync(fusion, output);
        var signalled = Stopwatch.StartNew();
        Assert.True(fusion.Signal(signal), "fusion sweep run ended before the signal was sent; the test's models are too small for this machine");

        var exitCode = await fusion.WaitForExitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

        Assert.True(exitCode == expectedExitCode, $"exit code {exitCode}, expected {expectedExitCode}; output:\n{fusion.Tail()}");
        Assert.True(signalled.Elapsed < TimeSpan.FromSeconds(20), $"fusion sweep run took {signalled.Elapsed.TotalSeconds:F1} s to stop after the signal");
        Assert.False(Directory.Exists(Path.Combine(output, "best")), "the cancelled sweep promoted a merge");
        var entries = Directory.Exists(output) ? Directory.EnumerateFileSystemEntries(output, "*", SearchOption.AllDirectories).ToList() : [];
        Assert.DoesNotContain(entries, e => Path.GetFileName(e) == ".fusion-staging");
        Assert.DoesNotContain(entries, e => Path.GetFileName(e) == "fusion-manifest.json");
        // The run was cancelled, not deleted: it says so, and its record joins the output's history for the next run.
        var lines = fusion.Lines();
        Assert.Contains(lines, l => l.StartsWith("run 1: cancelled, 0/3 points done", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("fusion: error: cancelled;", StringComparison.Ordinal));
        var record = await File.ReadAllTextAsync(Path.Combine(output, SweepOutputLayout.RunsFolder, SweepOutputLayout.RunFileName(1)), TestContext.Current.CancellationToken);
        Assert.Contains("\"Error\": \"cancelled: 0 of 3 points done\"", record, StringComparison.Ordinal);
    }

    /// <summary>The first merge has planned once its staging folder exists under the sweep's merges/.</summary>
    private static async Task WaitForStagingAsync(ChildProcess fusion, string output)
    {
        var waited = Stopwatch.StartNew();
        while (!Staging(output))
        {
            Assert.False(fusion.HasExited, $"fusion sweep run exited before it staged anything:\n{fusion.Tail()}");
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(90), $"fusion sweep run staged nothing within 90 s:\n{fusion.Tail()}");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        // Into the units, past planning.
        await Task.Delay(300, TestContext.Current.CancellationToken);
    }

    private static bool Staging(string output)
    {
        var merges = Path.Combine(output, "merges");
        try
        {
            return Directory.Exists(merges) && Directory.EnumerateDirectories(merges).Any(m => Directory.Exists(Path.Combine(m, ".fusion-staging")));
        }
        catch (DirectoryNotFoundException)
        {
            return false;
        }
    }
}
