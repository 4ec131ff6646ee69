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
        var dataset = WriteNoiseDataset(temp.Combine("noise.fcds"));
        var output = temp.Combine("model");

        // 200 epochs over 4,000 samples is minutes of training on two cores: the signal lands mid-training.
        await using var fusion = FusionProcess.Start(temp.Combine("fusion.log"), "train", "--dataset", dataset, "--out", output, "--epochs", "200", "--hidden", "256,256");
        await WaitForTorchAsync(fusion);
        var signalled = Stopwatch.StartNew();
        Assert.True(fusion.Signal(signal), "fusion train ended before the signal was sent");

        var exitCode = await fusion.WaitForExitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

        Assert.True(exitCode == expectedExitCode, $"exit code {exitCode}, expected {expectedExitCode}; output:\n{fusion.Tail()}");
        Assert.True(signalled.Elapsed < TimeSpan.FromSeconds(15), $"fusion train took {signalled.Elapsed.TotalSeconds:F1} s to stop after the signal");
        Assert.Contains("cancelled", fusion.Tail(), StringComparison.Ordinal);
        Assert.False(Directory.Exists(output) && Directory.EnumerateFileSystemEntries(output).Any(), $"{output} holds files after the cancelled training");
    }

    /// <summary>Random 28x28 images in 10 classes: nothing to learn, but real work for every step.</summary>
    private static string WriteNoiseDataset(string path)
    {
        const int train = 4000, heldOut = 100, size = 28 * 28;
        var random = new Random(7);
        var pixels = new byte[(train + heldOut) * size];
        random.NextBytes(pixels);
        var labels = Enumerable.Range(0, train + heldOut).Select(i => (byte)(i % 10)).ToArray();
        ImageDatasetFile.Write(path, new ImageDataset(train, heldOut, 1, 28, 28, 10, pixels, labels));
        return path;
    }

    /// <summary>libtorch is loaded when the network is built: from then on the child trains.</summary>
    private static async Task WaitForTorchAsync(ChildProcess fusion)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            Assert.False(fusion.HasExited, $"fusion train exited before it trained:\n{fusion.Tail()}");
            if (Maps(fusion.Id).Contains("libtorch", StringComparison.Ordinal))
            {
                break;
            }

            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(60), "fusion train loaded no libtorch within 60 s");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        // Into the epochs, past building the network.
        await Task.Delay(1000, TestContext.Current.CancellationToken);
    }

    /// <summary>The child's memory map; empty once it has gone (the next loop reports the exit).</summary>
    private static string Maps(int processId)
    {
        try
        {
            return File.ReadAllText($"/proc/{processId}/maps");
        }
        catch (IOException)
        {
            return "";
        }
    }
}
