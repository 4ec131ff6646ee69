using FusionCluster.Cli.Tests.Support;

namespace FusionCluster.Cli.Tests.Commands;

/// <summary><c>fusion merge a.yaml b.yaml --out-dir DIR</c> as a real child process.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class MergeSharedInputProcessTests(SyntheticModels models)
{
    [Fact]
    public async Task Several_specs_publish_each_in_its_folder_and_one_that_fails_makes_the_exit_code_one()
    {
        using var temp = new TempDirectory();
        var even = await WriteSpecAsync(temp, "even.yaml", "weight: 0.5, density: 0.5");
        var tilted = await WriteSpecAsync(temp, "tilted.yaml", "weight: 0.9, density: 0.5");
        var broken = await WriteSpecAsync(temp, "broken.yaml", "weight: 0.5, density: 3");
        // A flow mapping left open: YamlDotNet's scanner fails on it without a position (it stopped the whole job once).
        var unclosed = await WriteSpecAsync(temp, "unclosed.yaml", "weight: 0.5");
        await File.WriteAllTextAsync(unclosed, (await File.ReadAllTextAsync(unclosed, TestContext.Current.CancellationToken)).Replace("{weight: 0.5}", "{weight: 0.5", StringComparison.Ordinal), TestContext.Current.CancellationToken);
        var outDir = temp.Combine("out");

        var (exitCode, stdout, stderr) = await FusionProcess.RunAsync("merge", even, tilted, broken, unclosed, "--out-dir", outDir, "--quiet");

        Assert.True(exitCode == 1, $"exit code {exitCode}; stdout: {stdout}; stderr: {stderr}");
        Assert.Contains($"even: merged -> {Path.Combine(outDir, "even")}", stdout, StringComparison.Ordinal);
        Assert.Contains($"tilted: merged -> {Path.Combine(outDir, "tilted")}", stdout, StringComparison.Ordinal);
        Assert.Contains("fusion: error: broken: ", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("broken: broken: ", stderr, StringComparison.Ordinal);
        // Said once: the job's status lists each candidate's error, and it is not repeated as a warning.
        Assert.Single(stderr.Split('\n'), line => line.Contains("broken: ", StringComparison.Ordinal));
        Assert.Contains("density", stderr, StringComparison.Ordinal);
        Assert.Contains("fusion: error: unclosed: unclosed.yaml line 5: malformed YAML", stderr, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(outDir, "even", "model.safetensors")));
        Assert.True(File.Exists(Path.Combine(outDir, "tilted", "model.safetensors")));
        Assert.False(Directory.Exists(Path.Combine(outDir, "broken")) && Directory.EnumerateFileSystemEntries(Path.Combine(outDir, "broken")).Any());

        // The same spec alone gives the same weights.
        var alone = temp.Combine("alone");
        var (aloneExit, _, aloneErr) = await FusionProcess.RunAsync("merge", tilted, "--out", alone, "--quiet");
        Assert.True(aloneExit == 0, aloneErr);
        Assert.Equal(await Sha256Sum.OfFileAsync(Path.Combine(alone, "model.safetensors"), TestContext.Current.CancellationToken), await Sha256Sum.OfFileAsync(Path.Combine(outDir, "tilted", "model.safetensors"), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_spec_whose_output_folder_is_one_of_its_inputs_fails_alone_and_leaves_that_input()
    {
        using var temp = new TempDirectory();
        var outDir = temp.Combine("out");
        // out/mine is a model of the user's, and mine.yaml both merges it and would publish to out/mine.
        var mine = Path.Combine(outDir, "mine");
        Directory.CreateDirectory(mine);
        foreach (var file in Directory.EnumerateFiles(models.Folder("ft-2")))
        {
            File.Copy(file, Path.Combine(mine, Path.GetFileName(file)));
        }

        var before = await Sha256Sum.OfFileAsync(Path.Combine(mine, "model.safetensors"), TestContext.Current.CancellationToken);
        var mineSpec = temp.Combine("mine.yaml");
        await File.WriteAllTextAsync(mineSpec, $$"""
            merge_method: ties
            base_model: {{models.Folder("base")}}
            models:
              - model: {{models.Folder("ft-1")}}
                parameters: {weight: 0.5, density: 0.5}
              - model: {{mine}}
                parameters: {weight: 0.5, density: 0.5}
            dtype: bfloat16
            """, TestContext.Current.CancellationToken);
        var other = await WriteSpecAsync(temp, "other.yaml", "weight: 0.5, density: 0.5");

        var (exitCode, stdout, stderr) = await FusionProcess.RunAsync("merge", mineSpec, other, "--out-dir", outDir, "--overwrite", "--quiet");

        Assert.True(exitCode == 1, $"exit code {exitCode}; stdout: {stdout}; stderr: {stderr}");
        Assert.Contains($"fusion: error: mine: --out {mine} is where input model '{mine}' is read from", stderr, StringComparison.Ordinal);
        Assert.Contains($"other: merged -> {Path.Combine(outDir, "other")}", stdout, StringComparison.Ordinal);
        Assert.Equal(before, await Sha256Sum.OfFileAsync(Path.Combine(mine, "model.safetensors"), TestContext.Current.CancellationToken));
        Assert.False(File.Exists(Path.Combine(mine, "fusion-manifest.json")));
    }

    [Fact]
    public async Task Several_specs_without_out_dir_are_refused()
    {
        using var temp = new TempDirectory();
        var a = await WriteSpecAsync(temp, "a.yaml", "weight: 0.5");
        var b = await WriteSpecAsync(temp, "b.yaml", "weight: 0.7");

        var (exitCode, _, stderr) = await FusionProcess.RunAsync("merge", a, b, "--out", temp.Combine("out"), "--quiet");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("--out-dir", stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(temp.Combine("out")));
    }

    private async Task<string> WriteSpecAsync(TempDirectory temp, string name, string parameters)
    {
        var spec = temp.Combine(name);
        await File.WriteAllTextAsync(spec, $$"""
            merge_method: ties
            base_model: {{models.Folder("base")}}
            models:
              - model: {{models.Folder("ft-1")}}
                parameters: {{{parameters}}}
              - model: {{models.Folder("ft-2")}}
                parameters: {{{parameters}}}
            dtype: bfloat16
            """, TestContext.Current.CancellationToken);
        return spec;
    }
}
