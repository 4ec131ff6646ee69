using System.Diagnostics;
using FusionCluster.Cli.Tests.Support;
using FusionCluster.Evaluation.Datasets;

namespace FusionCluster.Cli.Tests.Commands;

/// <summary>
/// Real SIGINT and SIGTERM to a real <c>fusion train</c> child while it trains: it stops within seconds, exits
/// 130 (143) and writes no checkpoint.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class TrainSignalProcessTests
{
    [Theory]
    [InlineData(UnixSignal.Interrupt, 130)]
    [InlineData(UnixSignal.Terminate, 143)]
    public async Task A_signal_mid_training_stops_it_and_writes_no_checkpoint(int signal, int expectedExitCode)
    {
        using var temp = new TempDirectory();
        var dataset = NoiseDataset.Write(temp.Combine("noise.fcds"), train: 4000, heldOut: 100);
        var output = temp.Combine("model");

        // 200 epochs over 4,000 samples is minutes of training on two cores: the signal lands mid-training.
        await using var fusion = FusionProcess.Start(temp.Combine("fusion.log"), "train", "--dataset", dataset, "--out", output, "--epochs", "200", "--hidden", "256,256");
        await TorchProcess.WaitUntilLoadedAsync(fusion, TimeSpan.FromSeconds(60));
        var signalled = Stopwatch.StartNew();
        Assert.True(fusion.Signal(signal), "fusion train ended before the signal was sent");

        var exitCode = await fusion.WaitForExitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

        Assert.True(exitCode == expectedExitCode, $"exit code {exitCode}, expected {expectedExitCode}; output:\n{fusion.Tail()}");
        Assert.True(signalled.Elapsed < TimeSpan.FromSeconds(15), $"fusion train took {signalled.Elapsed.TotalSeconds:F1} s to stop after the signal");
        Assert.Contains("cancelled", fusion.Tail(), StringComparison.Ordinal);
        Assert.False(Directory.Exists(output) && Directory.EnumerateFileSystemEntries(output).Any(), $"{output} holds files after the cancelled training");
    }
}
