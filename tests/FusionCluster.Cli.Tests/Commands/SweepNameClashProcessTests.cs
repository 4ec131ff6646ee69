using System.Text.RegularExpressions;
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

    [Fact]
    public async Task A_run_refused_its_output_says_why_as_an_error_and_leaves_the_users_files()
    {
        using var temp = new TempDirectory();
        var output = temp.Combine("out");
        Directory.CreateDirectory(output);
        await File.WriteAllTextAsync(Path.Combine(output, "notes.txt"), "mine", TestContext.Current.CancellationToken);
        var sweep = await WriteSweepAsync(temp, "sweep.yaml", "notes", output, "[0.5]");

        var (exitCode, stdout, stderr) = await FusionProcess.RunAsync("sweep", "run", sweep);

        // Before, stderr had no error line: the reason was only in the run's summary on stdout. Then it was in both, so a
        // terminal showed it twice: now the summary says the run failed and the error line says why.
        Assert.Equal(1, exitCode);
        Assert.Contains($"fusion: error: the sweep cannot run: out: {output} holds 'notes.txt', which is not part of a sweep's output", stderr, StringComparison.Ordinal);
        Assert.StartsWith("run 1: failed, 0/1 points done", stdout, StringComparison.Ordinal);
        Assert.Single(Regex.Matches(stdout + stderr, "holds 'notes.txt'"));
        Assert.Equal(["notes.txt"], Directory.EnumerateFileSystemEntries(output).Select(Path.GetFileName));
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
