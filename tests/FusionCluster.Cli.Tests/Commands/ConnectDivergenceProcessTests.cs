using FusionCluster.Cli.Tests.Support;

namespace FusionCluster.Cli.Tests.Commands;

/// <summary>
/// A Bézier fit that diverges ends fusion connect with an error naming the step and the learning rate, and publishes
/// and draws nothing: its losses are not numbers connect.json can hold, which once surfaced as a JSON serializer's
/// complaint, after the plot had been drawn over the file given.
/// </summary>
public sealed class ConnectDivergenceProcessTests
{
    [Fact]
    public async Task A_diverging_bezier_fit_fails_clearly_and_publishes_nothing()
    {
        using var temp = new TempDirectory();
        var dataset = NoiseDataset.Write(temp.Combine("noise.fcds"), train: 1000, heldOut: 100);
        foreach (var (name, seed) in new[] { ("a", "1"), ("b", "2") })
        {
            var (trained, stdout, stderr) = await FusionProcess.RunAsync("train", "--dataset", dataset, "--out", temp.Combine(name), "--epochs", "1", "--hidden", "16", "--seed", seed);
            Assert.True(trained == 0, $"fusion train {name}: {stdout}{stderr}");
        }

        var published = temp.Combine("results", "diverged");
        var plot = temp.Combine("path.png");
        File.WriteAllText(plot, "an earlier plot");
        var (exitCode, output, error) = await FusionProcess.RunAsync(
            "connect", temp.Combine("a"), temp.Combine("b"), "--dataset", dataset, "--curve", "bezier", "--bezier-epochs", "1", "--bezier-lr", "1e12",
            "--publish", published, "--plot", plot, "--overwrite");

        Assert.True(exitCode == 1, $"exit code {exitCode}: {output}{error}");
        Assert.Contains("fusion: error: training the Bézier curve's bend point diverged in epoch 1, step ", error, StringComparison.Ordinal);
        Assert.Contains("try a learning rate below 1000000000000", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(published), $"{published} was created by a connect that failed");
        Assert.Equal("an earlier plot", File.ReadAllText(plot));
    }
}
