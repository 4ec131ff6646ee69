using FusionCluster.Cli.Commands;
using FusionCluster.Cli.Tests.Support;

namespace FusionCluster.Cli.Tests.Commands;

/// <summary>
/// Spec files named on the command line are read by the one size-checked reader (SpecYaml.ReadText): a regular file
/// only. Before, <c>fusion merge /dev/zero</c> read without bound (its length is 0) and a FIFO blocked the verb forever.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class SpecFileReadProcessTests
{
    // A heap cap keeps a regression (reading /dev/zero without bound) to a quick out-of-memory, not a machine's memory.
    private static readonly Dictionary<string, string> CappedHeap = new() { ["DOTNET_GCHeapHardLimit"] = "0x40000000" };

    [Fact]
    public async Task Fusion_merge_of_dev_zero_fails_at_once_naming_it()
    {
        using var temp = new TempDirectory();

        var (exitCode, _, stderr) = await RunAsync("merge", "/dev/zero", "--out", temp.Combine("out"), "--quiet");

        Assert.True(exitCode == 1, $"exit code {exitCode}; stderr: {stderr}");
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Equal("fusion: error: /dev/zero: cannot read the spec file: spec file '/dev/zero' leads to '/dev/zero', a kernel or device file, which is never read", line);
    }

    [Theory]
    [InlineData("merge")]
    [InlineData("sweep run")]
    public async Task A_spec_that_is_a_fifo_fails_at_once_naming_it(string verb)
    {
        using var temp = new TempDirectory();
        var fifo = Fifo.Create(temp.Combine("spec.yaml"));
        var what = verb == "merge" ? "spec file" : "sweep file";
        string[] arguments = verb == "merge" ? ["merge", fifo, "--out", temp.Combine("out"), "--quiet"] : ["sweep", "run", fifo];

        var (exitCode, _, stderr) = await RunAsync(arguments);

        Assert.True(exitCode == 1, $"exit code {exitCode}; stderr: {stderr}");
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Equal($"fusion: error: {fifo}: cannot read the {what}: {what} '{fifo}' is not a regular file (a device, pipe, socket or folder)", line);
    }

    [Theory]
    [InlineData("merge")]
    [InlineData("submit")]
    public async Task A_spec_that_is_a_folder_says_so(string verb)
    {
        using var temp = new TempDirectory();
        string[] arguments = verb == "merge" ? ["merge", temp.Path, "--out", temp.Combine("out"), "--quiet"] : ["submit", temp.Path, "--out", temp.Combine("out")];

        var (exitCode, _, stderr) = await RunAsync(arguments);

        // Before: "no such spec file", for a folder that is there.
        Assert.True(exitCode == 1, $"exit code {exitCode}; stderr: {stderr}");
        Assert.Equal($"fusion: error: {temp.Path}: a folder, not a spec file", stderr.Trim());
    }

    // 60 s: the refusal takes a process start; a FIFO that blocks, or /dev/zero read to the heap cap, runs past it.
    private static Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] arguments) =>
        DotnetTool.RunAsync(typeof(MergeCommand).Assembly.Location, arguments, TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken, CappedHeap);
}
