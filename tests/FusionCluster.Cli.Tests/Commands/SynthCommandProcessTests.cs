using FusionCluster.Cli.Tests.Support;

namespace FusionCluster.Cli.Tests.Commands;

/// <summary>`fusion synth` writes into its own folders only, and bad sizes and counts are one line each.</summary>
public sealed class SynthCommandProcessTests
{
    [Fact]
    public async Task A_folder_with_a_users_files_of_synths_names_is_refused_unless_overwrite()
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Combine("base"));
        await File.WriteAllTextAsync(temp.Combine("ties.yaml"), "my own spec", TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(temp.Combine("base/model.safetensors"), "my weights", TestContext.Current.CancellationToken);

        var refused = await FusionProcess.RunAsync("synth", temp.Path, "--size", "1MB");
        var unchanged = (await File.ReadAllTextAsync(temp.Combine("ties.yaml"), TestContext.Current.CancellationToken), await File.ReadAllTextAsync(temp.Combine("base/model.safetensors"), TestContext.Current.CancellationToken));
        var replaced = await FusionProcess.RunAsync("synth", temp.Path, "--size", "1MB", "--overwrite");

        // Before: both files were replaced by generated ones, exit 0.
        Assert.Equal(1, refused.ExitCode);
        Assert.Equal($"fusion: error: {temp.Path} holds base, ties.yaml, which fusion synth did not write; it would replace them. Choose another folder, or pass --overwrite", refused.Stderr.Trim());
        Assert.Equal(("my own spec", "my weights"), unchanged);
        Assert.True(replaced.ExitCode == 0, replaced.Stderr);
        Assert.NotEqual("my own spec", await File.ReadAllTextAsync(temp.Combine("ties.yaml"), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Synth_writes_into_its_own_folder_again_without_overwrite()
    {
        using var temp = new TempDirectory();
        var folder = temp.Combine("models");

        var first = await FusionProcess.RunAsync("synth", folder, "--size", "1MB");
        var again = await FusionProcess.RunAsync("synth", folder, "--size", "1MB", "--seed", "2");

        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.True(File.Exists(Path.Combine(folder, "fusion-synth.json")));
    }

    [Theory]
    [InlineData("--size", "99999TB", "3 models of 9313")]
    [InlineData("--size", "0", "--size 0: expected a size such as 50MB or 1GB")]
    [InlineData("--shard-size", "0", "--shard-size 0: expected a size such as 500MB or 2GB")]
    [InlineData("--fine-tunes", "-1", "--fine-tunes -1: expected a positive whole number")]
    [InlineData("--delta-scale", "0", "--delta-scale 0: expected a number above 0 and at most 1")]
    public async Task A_size_or_count_it_cannot_write_is_one_line_and_writes_nothing(string option, string value, string expected)
    {
        using var temp = new TempDirectory();
        var folder = temp.Combine("models");

        // Before: 99999TB grew memory without bound and ignored Ctrl-C; --fine-tunes -1 and --shard-size 0 were stack traces.
        var (exitCode, _, stderr) = await FusionProcess.RunAsync("synth", folder, option, value);

        Assert.NotEqual(0, exitCode);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), l => l.StartsWith("fusion: error: ", StringComparison.Ordinal));
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.False(Directory.Exists(folder));
    }

    /// <summary>
    /// A fine-tune's delta is delta scale × 0.02 (the weights' scale) times the sum of two uniform draws less one, a
    /// triangular spread on ±1 whose mean magnitude is 1/3; bf16 rounding moves each by up to half a step. The marker
    /// records the scale.
    /// </summary>
    [Theory]
    [InlineData(0.1)]
    [InlineData(0.005)]
    public async Task Delta_scale_sizes_the_fine_tunes_deltas(double deltaScale)
    {
        using var temp = new TempDirectory();
        var folder = temp.Combine("models");

        var (exitCode, _, stderr) = await FusionProcess.RunAsync("synth", folder, "--size", "1MB", "--delta-scale", deltaScale.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.True(exitCode == 0, stderr);
        var weights = Bf16Values(Path.Combine(folder, "base", "model.safetensors"), "model.layers.0.mlp.up_proj.weight");
        var tuned = Bf16Values(Path.Combine(folder, "ft-1", "model.safetensors"), "model.layers.0.mlp.up_proj.weight");
        var meanDelta = weights.Zip(tuned, (w, t) => Math.Abs(t - w)).Average();
        var expected = deltaScale * 0.02 / 3;
        Assert.InRange(meanDelta, expected * 0.9, expected * 1.1);
        Assert.Contains($"\"delta_scale\": {deltaScale.ToString(System.Globalization.CultureInfo.InvariantCulture)}", await File.ReadAllTextAsync(Path.Combine(folder, "fusion-synth.json"), TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_named_as_the_folder_is_refused_and_kept()
    {
        using var temp = new TempDirectory();
        await File.WriteAllTextAsync(temp.Combine("afile"), "mine", TestContext.Current.CancellationToken);

        var (exitCode, _, stderr) = await FusionProcess.RunAsync("synth", temp.Combine("afile"), "--size", "1MB", "--overwrite");

        Assert.Equal(1, exitCode);
        Assert.Equal($"fusion: error: {temp.Combine("afile")} is a file, not a folder", stderr.Trim());
        Assert.Equal("mine", await File.ReadAllTextAsync(temp.Combine("afile"), TestContext.Current.CancellationToken));
    }

    /// <summary>A bf16 tensor's values, read from the file's own header (a little-endian u64 length, then JSON).</summary>
    private static double[] Bf16Values(string file, string tensor)
    {
        var bytes = File.ReadAllBytes(file);
        var headerLength = (int)BitConverter.ToUInt64(bytes, 0);
        using var header = System.Text.Json.JsonDocument.Parse(bytes.AsMemory(8, headerLength));
        var offsets = header.RootElement.GetProperty(tensor).GetProperty("data_offsets");
        var (start, end) = (8 + headerLength + offsets[0].GetInt32(), 8 + headerLength + offsets[1].GetInt32());
        return Enumerable.Range(0, (end - start) / 2).Select(i => (double)BitConverter.UInt32BitsToSingle((uint)BitConverter.ToUInt16(bytes, start + (2 * i)) << 16)).ToArray();
    }
}
