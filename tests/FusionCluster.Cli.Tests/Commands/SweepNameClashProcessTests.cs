using FusionCluster.Cli.Tests.Support;

namespace FusionCluster.Cli.Tests.Commands;

/// <summary><c>fusion sweep run</c> as a real child process: two sweeps whose names make one id do not share an output.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class SweepNameClashProcessTests(SyntheticModels models)
{
    [Fact]
    public async Task A_sweep_whose_name_makes_anothers_id_is_refused_that_ones_output_and_leaves_it_whole()
    {
        using var temp = new TempDirectory();
        var output = temp.Combine("out");
        var first = await WriteSweepAsync(temp, "first.yaml", "My Sweep", output, "[0.3, 0.7]");
        var second = await WriteSweepAsync(temp, "second.yaml", "my-sweep", output, "[0.5]");

        var (firstExit, _, firstErr) = await FusionProcess.RunAsync("sweep", "run", first);
        Assert.True(firstExit == 0, firstErr);
        var merges = Directory.EnumerateDirectories(Path.Combine(output, "merges")).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(2, merges.Count);

        var (secondExit, _, secondErr) = await FusionProcess.RunAsync("sweep", "run", second);

        Assert.Equal(1, secondExit);
        Assert.Contains($"fusion: error: out: {output} holds the runs of sweep 'My Sweep', whose id 'my-sweep' the name 'my-sweep' makes too", secondErr, StringComparison.Ordinal);
        Assert.Equal(merges, Directory.EnumerateDirectories(Path.Combine(output, "merges")).Order(StringComparer.Ordinal).ToList());
        Assert.Single(Directory.EnumerateFiles(Path.Combine(output, "runs")));
    }

    private async Task<string> WriteSweepAsync(TempDirectory temp, string file, string name, string output, string weights)
    {
        var path = temp.Combine(file);
        await File.WriteAllTextAsync(path, $$$"""
            name: {{{name}}}
            template:
              merge_method: linear
              models:
                - {model: {{{models.Folder("ft-1")}}}, parameters: {weight: 0.5}}
                - {model: {{{models.Folder("ft-2")}}}, parameters: {weight: 0.5}}
              dtype: bfloat16
            space:
              grid:
                models[0].parameters.weight: {{{weights}}}
            evaluator:
              tensors: {compare: [{{{models.Folder("ft-1")}}}]}
            objective: {metric: cosine/{{{models.Folder("ft-1")}}}}
            promote: {best: false, keep_runs: 1}
            out: {{{output}}}
            """, TestContext.Current.CancellationToken);
        return path;
    }
}
