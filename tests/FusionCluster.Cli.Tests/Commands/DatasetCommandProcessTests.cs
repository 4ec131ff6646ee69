using FusionCluster.Cli.Tests.Support;

namespace FusionCluster.Cli.Tests.Commands;

/// <summary><c>fusion dataset</c> writes its file only where nothing is, unless told to replace it.</summary>
public sealed class DatasetCommandProcessTests
{
    [Fact]
    public async Task A_file_already_at_out_is_kept_unless_overwrite_is_given()
    {
        using var temp = new TempDirectory();
        var target = temp.Combine("model.safetensors");
        File.WriteAllText(target, "weights the user keeps");

        var refused = await FusionProcess.RunAsync("dataset", "mnist", "--from", LocalTools.MnistPackageDirectory, "--out", target);
        Assert.True(refused.ExitCode == 1, refused.Stdout + refused.Stderr);
        Assert.Contains($"fusion: error: --out {target} already exists; add --overwrite to replace it", refused.Stderr, StringComparison.Ordinal);
        Assert.Equal("weights the user keeps", File.ReadAllText(target));

        var replaced = await FusionProcess.RunAsync("dataset", "mnist", "--from", LocalTools.MnistPackageDirectory, "--out", target, "--overwrite");
        Assert.True(replaced.ExitCode == 0, replaced.Stdout + replaced.Stderr);
        Assert.True(new FileInfo(target).Length > 1_000_000, "the 10,000 digits were not written");
    }
}
