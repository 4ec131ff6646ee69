using FusionCluster.Cli.Tests.Support;
using FusionCluster.Core.Specs.Yaml;

namespace FusionCluster.Cli.Tests.Commands;

/// <summary>
/// The 28 KB spec of nested lists from the security review, through a real <c>fusion merge</c> child process: the
/// spec is parsed inside the job grain of its embedded silo, where it used to overflow the stack and abort the process.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class MergeSpecLimitProcessTests
{
    [Fact]
    public async Task A_deeply_nested_spec_fails_with_one_error_line_naming_the_file_and_the_limit()
    {
        using var temp = new TempDirectory();
        var spec = temp.Combine("deep.yaml");
        await File.WriteAllTextAsync(spec, "merge_method: linear\nmodels: " + new string('[', 14_000) + new string(']', 14_000) + "\n", TestContext.Current.CancellationToken);

        var (exitCode, _, stderr) = await FusionProcess.RunAsync("merge", spec, "--out", temp.Combine("out"), "--quiet");

        Assert.True(exitCode == 1, $"exit code {exitCode} (134 is the stack overflow); stderr: {stderr}");
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith("fusion: error: deep.yaml line 2:", line, StringComparison.Ordinal);
        Assert.Contains($"deeper than {SpecLimits.MaxDepth} levels", line, StringComparison.Ordinal);
    }
}
