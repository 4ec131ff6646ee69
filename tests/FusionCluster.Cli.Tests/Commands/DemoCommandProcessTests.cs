using System.Text.Json.Nodes;
using FusionCluster.Cli.Tests.Support;
using FusionCluster.Core.Formats;

namespace FusionCluster.Cli.Tests.Commands;

/// <summary>README's first command, <c>fusion demo</c>, end to end in the real executable, as a newcomer runs it.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class DemoCommandProcessTests
{
    [Fact]
    public async Task Demo_synthesizes_a_base_and_two_fine_tunes_and_publishes_their_ties_merge()
    {
        using var temp = new TempDirectory();

        var (exitCode, stdout, stderr) = await FusionProcess.RunAsync("demo", "--work", temp.Path);

        Assert.True(exitCode == 0, $"exit code {exitCode}; stderr: {stderr}");
        Assert.StartsWith("ok: ", stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1], StringComparison.Ordinal);
        var output = temp.Combine("merged-ties");
        Checkpoints.AssertNoStaging(output);
        var report = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(output, "fusion-report.json"), TestContext.Current.CancellationToken))!;
        Assert.Equal("ties", report["method"]!.GetValue<string>());

        using var merged = CheckpointFolder.Open(output);
        using var baseModel = CheckpointFolder.Open(temp.Combine("base"));
        using var first = CheckpointFolder.Open(temp.Combine("ft-1"));
        using var second = CheckpointFolder.Open(temp.Combine("ft-2"));
        Assert.Equal(baseModel.TensorNames.Order(StringComparer.Ordinal), merged.TensorNames.Order(StringComparer.Ordinal));

        // TIES adds to the base a mean of the kept task deltas that agree with the elected sign, or nothing, so each
        // merged value lies between the smallest and the largest of the three inputs' values (all bf16, and rounding
        // to the nearest bf16 cannot leave that range). Density 0.5 drops about half of each model's deltas, so some
        // elements keep the base's value exactly, and the others moved.
        long unchanged = 0, moved = 0;
        foreach (var name in merged.TensorNames)
        {
            var m = Checkpoints.Bf16Values(merged, name);
            var b = Checkpoints.Bf16Values(baseModel, name);
            var f1 = Checkpoints.Bf16Values(first, name);
            var f2 = Checkpoints.Bf16Values(second, name);
            for (var i = 0; i < m.Length; i++)
            {
                var low = Math.Min(b[i], Math.Min(f1[i], f2[i]));
                var high = Math.Max(b[i], Math.Max(f1[i], f2[i]));
                if (!(m[i] >= low && m[i] <= high))
                {
                    Assert.Fail($"{name}[{i}]: {m[i]} outside [{low}, {high}]");
                }

                if (m[i] == b[i])
                {
                    unchanged++;
                }
                else
                {
                    moved++;
                }
            }
        }

        Assert.True(unchanged > 0 && moved > 0, $"{unchanged} elements kept the base's value, {moved} moved");

        // Run again, as a newcomer does: the folder is the demo's own, so it is written again and the merge replaced.
        var again = await FusionProcess.RunAsync("demo", "--work", temp.Path);
        Assert.True(again.ExitCode == 0, $"second run: exit code {again.ExitCode}; stderr: {again.Stderr}");
    }

    [Fact]
    public async Task Demo_refuses_a_work_folder_holding_a_users_spec_and_leaves_it()
    {
        using var temp = new TempDirectory();
        await File.WriteAllTextAsync(temp.Combine("ties.yaml"), "my own spec", TestContext.Current.CancellationToken);

        var (exitCode, _, stderr) = await FusionProcess.RunAsync("demo", "--work", temp.Path);

        // Before: the spec was replaced by the demo's, and a merged-ties/ of the user's was published into.
        Assert.Equal(1, exitCode);
        Assert.Contains($"{temp.Path} holds ties.yaml, which fusion synth did not write", stderr, StringComparison.Ordinal);
        Assert.Equal("my own spec", await File.ReadAllTextAsync(temp.Combine("ties.yaml"), TestContext.Current.CancellationToken));
        Assert.Equal(["ties.yaml"], Directory.EnumerateFileSystemEntries(temp.Path).Select(Path.GetFileName));
    }
}
