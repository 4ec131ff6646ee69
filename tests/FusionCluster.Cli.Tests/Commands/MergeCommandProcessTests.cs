using FusionCluster.Cli.Tests.Support;
using FusionCluster.Core.Formats;

namespace FusionCluster.Cli.Tests.Commands;

/// <summary>Runs the real <c>fusion</c> executable as a child process.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class MergeCommandProcessTests(SyntheticModels models)
{
    [Fact]
    public async Task Merge_exits_zero_and_writes_the_model()
    {
        using var temp = new TempDirectory();
        var spec = temp.Combine("spec.yaml");
        await File.WriteAllTextAsync(spec, $"""
            merge_method: linear
            models:
              - model: {models.Folder("base")}
                parameters:
                  weight: 1.0
              - model: {models.Folder("ft-1")}
                parameters:
                  weight: 1.0
              - model: {models.Folder("ft-2")}
                parameters:
                  weight: 1.0
            dtype: bfloat16
            """, TestContext.Current.CancellationToken);
        var output = temp.Combine("out");

        var (exitCode, _, stderr) = await FusionProcess.RunAsync("merge", spec, "--out", output, "--quiet");

        Assert.True(exitCode == 0, $"exit code {exitCode}; stderr: {stderr}");
        Assert.True(File.Exists(Path.Combine(output, "model.safetensors")));
        Checkpoints.AssertNoStaging(output);
        using var merged = CheckpointFolder.Open(output);
        using var input = CheckpointFolder.Open(models.Folder("base"));
        Assert.Equal(input.TensorNames.Order(StringComparer.Ordinal), merged.TensorNames.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_bad_spec_exits_non_zero_with_one_error_line_naming_the_key()
    {
        using var temp = new TempDirectory();
        var spec = temp.Combine("bad.yaml");
        await File.WriteAllTextAsync(spec, $"""
            merge_method: linear
            modles:
              - model: {models.Folder("base")}
            """, TestContext.Current.CancellationToken);
        var output = temp.Combine("out");

        var (exitCode, _, stderr) = await FusionProcess.RunAsync("merge", spec, "--out", output, "--quiet");

        Assert.NotEqual(0, exitCode);
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var line = Assert.Single(lines);
        Assert.StartsWith("fusion: error: ", line, StringComparison.Ordinal);
        Assert.Contains("modles", line, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output) && Directory.EnumerateFiles(output, "*.safetensors").Any());
    }

    [Fact]
    public async Task A_missing_spec_file_exits_non_zero()
    {
        using var temp = new TempDirectory();
        var missing = temp.Combine("nope.yaml");

        var (exitCode, _, stderr) = await FusionProcess.RunAsync("merge", missing, "--out", temp.Combine("out"), "--quiet");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("fusion: error: ", stderr, StringComparison.Ordinal);
        Assert.Contains("nope.yaml", stderr, StringComparison.Ordinal);
    }
}
