using System.Text.Json.Nodes;
using FusionCluster.Cli.Tests.Support;
using FusionCluster.Core.Formats;

namespace FusionCluster.Cli.Tests.Commands;

/// <summary>
/// Runs the real <c>fusion merge</c> (an embedded silo in a child process) on a spec with <c>align:</c>: a
/// classifier merged half and half with a copy of itself whose hidden units were shuffled by hand.
/// </summary>
public sealed class MergeAlignProcessTests
{
    [Fact]
    public async Task Merge_with_align_reads_the_shuffled_copy_through_its_permutation_and_gives_back_the_reference()
    {
        using var temp = new TempDirectory();
        var (reference, shuffle) = AlignCommandProcessTests.WriteModelAndShuffledCopy(temp);
        await File.WriteAllTextAsync(temp.Combine("aligned.yaml"), Spec + "align:\n  method: weight_matching\n", TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(temp.Combine("plain.yaml"), Spec, TestContext.Current.CancellationToken);

        var (exitCode, _, stderr) = await FusionProcess.RunAsync("merge", temp.Combine("aligned.yaml"), "--out", temp.Combine("aligned"));
        Assert.True(exitCode == 0, $"exit code {exitCode}; stderr: {stderr}");
        (exitCode, _, stderr) = await FusionProcess.RunAsync("merge", temp.Combine("plain.yaml"), "--out", temp.Combine("plain"));
        Assert.True(exitCode == 0, $"exit code {exitCode}; stderr: {stderr}");

        // x/2 + x/2 is x exactly in float32: aligned, the half-and-half merge of a model with its own shuffled copy is the model.
        using (var original = CheckpointFolder.Open(reference))
        using (var aligned = CheckpointFolder.Open(temp.Combine("aligned")))
        using (var plain = CheckpointFolder.Open(temp.Combine("plain")))
        {
            Assert.Equal(original.TensorNames.Order(), aligned.TensorNames.Order());
            foreach (var tensor in original.TensorNames)
            {
                Assert.True(Checkpoints.RawBytes(original, tensor).SequenceEqual(Checkpoints.RawBytes(aligned, tensor)), $"{tensor} differs from the reference");
            }

            Assert.False(Checkpoints.RawBytes(original, "layers.0.weight").SequenceEqual(Checkpoints.RawBytes(plain, "layers.0.weight")), "without align: the shuffled units are averaged with the wrong ones");
        }

        var report = JsonNode.Parse(await File.ReadAllTextAsync(temp.Combine("aligned", "fusion-report.json"), TestContext.Current.CancellationToken))!;
        var group = report["alignment"]!["models"]!["shuffled"]!["groups"]!["layers.0.out"]!;
        Assert.Equal(shuffle.Where((from, to) => from != to).Count(), group["units_moved"]!.GetValue<int>());
        Assert.Null(JsonNode.Parse(await File.ReadAllTextAsync(temp.Combine("plain", "fusion-report.json"), TestContext.Current.CancellationToken))!["alignment"]);
    }

    [Fact]
    public async Task An_align_section_merge_jobs_refuse_fails_with_one_line_saying_so()
    {
        using var temp = new TempDirectory();
        AlignCommandProcessTests.WriteModelAndShuffledCopy(temp);
        await File.WriteAllTextAsync(temp.Combine("zipit.yaml"), Spec + "align:\n  method: zipit\n  dataset: digits.fcds\n  repair: true\n", TestContext.Current.CancellationToken);

        var (exitCode, _, stderr) = await FusionProcess.RunAsync("merge", temp.Combine("zipit.yaml"), "--out", temp.Combine("zipped"));

        Assert.NotEqual(0, exitCode);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith("fusion: error: ", line, StringComparison.Ordinal);
        Assert.Contains("align.repair: ", line, StringComparison.Ordinal);
        Assert.Contains("zipit merges features instead and does not take it", line, StringComparison.Ordinal);
        Assert.False(Directory.Exists(temp.Combine("zipped")) && Directory.EnumerateFileSystemEntries(temp.Combine("zipped")).Any(), "nothing may be published");
    }

    private const string Spec = """
        merge_method: linear
        models:
          - {model: reference, parameters: {weight: 0.5}}
          - {model: shuffled, parameters: {weight: 0.5}}

        """;
}
