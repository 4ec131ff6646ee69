using FusionCluster.Cli.Tests.Support;
using FusionCluster.Core.Synthesis;
using FusionCluster.Core.Tensors;

namespace FusionCluster.Cli.Tests.Commands;

/// <summary>
/// fusion merge, eval, train, dataset and an embedded fusion sweep run read and write local files themselves; with --data-root every path they use
/// must resolve inside the roots, symlinks included, as on silos. Real fusion child processes.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class DataRootsProcessTests
{
    private static readonly SyntheticModelShape Shape = new(Hidden: 16, Intermediate: 32, Layers: 1, Vocab: 32, Heads: 2);

    [Fact]
    public async Task Eval_with_a_data_root_refuses_a_compared_model_whose_weights_link_outside_it()
    {
        using var temp = new TempDirectory();
        var data = temp.Combine("data");
        SyntheticCheckpoint.Write(Path.Combine(data, "merged"), Shape, DType.F32, baseSeed: 3, variant: 0, cancellationToken: TestContext.Current.CancellationToken);
        SyntheticCheckpoint.Write(Path.Combine(data, "ft"), Shape, DType.F32, baseSeed: 3, variant: 1, cancellationToken: TestContext.Current.CancellationToken);
        SyntheticCheckpoint.Write(temp.Combine("secret"), Shape, DType.F32, baseSeed: 3, variant: 2, cancellationToken: TestContext.Current.CancellationToken);
        var linked = Path.Combine(data, "linked");
        Directory.CreateDirectory(linked);
        File.CreateSymbolicLink(Path.Combine(linked, "model.safetensors"), temp.Combine("secret", "model.safetensors"));

        var inside = await FusionProcess.RunAsync("eval", Path.Combine(data, "merged"), "--compare", Path.Combine(data, "ft"), "--data-root", data);
        var refused = await FusionProcess.RunAsync("eval", Path.Combine(data, "merged"), "--compare", linked, "--data-root", data);
        var withoutRoots = await FusionProcess.RunAsync("eval", Path.Combine(data, "merged"), "--compare", linked);

        Assert.True(inside.ExitCode == 0, inside.Stderr);
        Assert.Contains("cosine/ft", inside.Stdout, StringComparison.Ordinal);
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains($"'{Path.Combine(linked, "model.safetensors")}'", refused.Stderr, StringComparison.Ordinal);
        Assert.Contains("outside the configured data roots", refused.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("cosine/linked", refused.Stdout, StringComparison.Ordinal);
        // Without roots the user's own link is followed, as before.
        Assert.True(withoutRoots.ExitCode == 0, withoutRoots.Stderr);
        Assert.Contains("cosine/linked", withoutRoots.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sweep_run_with_a_data_root_refuses_a_template_outside_it_before_any_merge()
    {
        using var temp = new TempDirectory();
        var data = temp.Combine("data");
        Directory.CreateDirectory(data);
        var template = temp.Combine("elsewhere", "template.yaml");
        Directory.CreateDirectory(Path.GetDirectoryName(template)!);
        File.WriteAllText(template, "merge_method: task_arithmetic\nbase_model: base\nmodels:\n  - {model: ft, parameters: {weight: 0.5}}\n");
        var sweep = Path.Combine(data, "sweep.yaml");
        File.WriteAllText(sweep, $"template: {template}\nspace:\n  grid:\n    models[0].parameters.weight: [0.5, 1]\nevaluator:\n  tensors: {{compare: [ft]}}\nobjective: {{metric: cosine/ft}}\nout: out\n");

        var (exitCode, _, stderr) = await FusionProcess.RunAsync("sweep", "run", sweep, "--data-root", data);

        Assert.True(exitCode == 1, $"exit code {exitCode}; stderr: {stderr}");
        Assert.Contains($"sweep.yaml line 1: template: cannot read the merge spec '{template}'", stderr, StringComparison.Ordinal);
        Assert.Contains($"is outside the configured data roots ({data})", stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(data, "out")));
    }

    [Fact]
    public async Task Sweep_run_with_a_data_root_refuses_a_sweep_file_outside_it_unread()
    {
        using var temp = new TempDirectory();
        var data = temp.Combine("data");
        Directory.CreateDirectory(data);
        var sweep = temp.Combine("elsewhere", "sweep.yaml");
        Directory.CreateDirectory(Path.GetDirectoryName(sweep)!);
        // Not a sweep: a parser that read it would quote it in its error.
        File.WriteAllText(sweep, "private: [unclosed\n");

        var (exitCode, _, stderr) = await FusionProcess.RunAsync("sweep", "run", sweep, "--data-root", data);

        Assert.True(exitCode == 1, $"exit code {exitCode}; stderr: {stderr}");
        Assert.Contains($"{sweep}: cannot read the sweep file: sweep file '{sweep}' is outside the configured data roots ({data})", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("private", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Merge_with_a_data_root_merges_inside_it_and_refuses_a_spec_a_model_or_an_output_outside_it()
    {
        using var temp = new TempDirectory();
        var data = temp.Combine("data");
        SyntheticCheckpoint.Write(Path.Combine(data, "base"), Shape, DType.F32, baseSeed: 3, variant: 0, cancellationToken: TestContext.Current.CancellationToken);
        SyntheticCheckpoint.Write(Path.Combine(data, "ft"), Shape, DType.F32, baseSeed: 3, variant: 1, cancellationToken: TestContext.Current.CancellationToken);
        SyntheticCheckpoint.Write(temp.Combine("secret"), Shape, DType.F32, baseSeed: 3, variant: 2, cancellationToken: TestContext.Current.CancellationToken);
        const string Spec = "merge_method: task_arithmetic\nbase_model: base\nmodels:\n  - {model: ft, parameters: {weight: 0.5}}\n";
        var spec = Path.Combine(data, "merge.yaml");
        File.WriteAllText(spec, Spec);
        var specOutside = temp.Combine("merge.yaml");
        File.WriteAllText(specOutside, Spec.Replace("base_model: base", $"base_model: {Path.Combine(data, "base")}", StringComparison.Ordinal).Replace("model: ft", $"model: {Path.Combine(data, "ft")}", StringComparison.Ordinal));
        var modelOutside = Path.Combine(data, "outside.yaml");
        File.WriteAllText(modelOutside, Spec.Replace("model: ft", $"model: {temp.Combine("secret")}", StringComparison.Ordinal));

        var inside = await FusionProcess.RunAsync("merge", spec, "--out", Path.Combine(data, "out"), "--data-root", data);
        var refusedSpec = await FusionProcess.RunAsync("merge", specOutside, "--out", Path.Combine(data, "out-1"), "--data-root", data);
        var refusedModel = await FusionProcess.RunAsync("merge", modelOutside, "--out", Path.Combine(data, "out-2"), "--data-root", data);
        var refusedOutput = await FusionProcess.RunAsync("merge", spec, "--out", temp.Combine("elsewhere"), "--data-root", data);

        Assert.True(inside.ExitCode == 0, inside.Stderr);
        Assert.True(File.Exists(Path.Combine(data, "out", "model.safetensors")));
        Assert.Equal(1, refusedSpec.ExitCode);
        Assert.Contains($"spec file '{specOutside}' is outside the configured data roots ({data})", refusedSpec.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, refusedModel.ExitCode);
        Assert.Contains($"model folder '{temp.Combine("secret")}' is outside the configured data roots ({data})", refusedModel.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, refusedOutput.ExitCode);
        Assert.Contains($"output folder '{temp.Combine("elsewhere")}' is outside the configured data roots ({data})", refusedOutput.Stderr, StringComparison.Ordinal);
        Assert.All(new[] { Path.Combine(data, "out-1"), Path.Combine(data, "out-2"), temp.Combine("elsewhere") }, folder => Assert.False(Directory.Exists(folder), $"{folder} was written"));
    }

    [Fact]
    public async Task Eval_with_a_data_root_refuses_a_model_folder_outside_it()
    {
        using var temp = new TempDirectory();
        var data = temp.Combine("data");
        Directory.CreateDirectory(data);
        SyntheticCheckpoint.Write(temp.Combine("elsewhere"), Shape, DType.F32, baseSeed: 3, variant: 0, cancellationToken: TestContext.Current.CancellationToken);

        var (exitCode, _, stderr) = await FusionProcess.RunAsync("eval", temp.Combine("elsewhere"), "--base", temp.Combine("elsewhere"), "--data-root", data);

        Assert.NotEqual(0, exitCode);
        Assert.Contains($"model folder '{temp.Combine("elsewhere")}' is outside the configured data roots", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Train_with_a_data_root_refuses_a_dataset_or_an_output_outside_it_and_writes_nothing()
    {
        using var temp = new TempDirectory();
        var data = temp.Combine("data");
        Directory.CreateDirectory(data);
        await File.WriteAllTextAsync(temp.Combine("digits.fcds"), "not read", TestContext.Current.CancellationToken);
        File.CreateSymbolicLink(Path.Combine(data, "digits.fcds"), temp.Combine("digits.fcds"));

        var linkedDataset = await FusionProcess.RunAsync("train", "--dataset", Path.Combine(data, "digits.fcds"), "--out", Path.Combine(data, "model"), "--data-root", data);
        var outsideOutput = await FusionProcess.RunAsync("train", "--dataset", Path.Combine(data, "digits.fcds"), "--out", temp.Combine("model"), "--data-root", data);

        Assert.NotEqual(0, linkedDataset.ExitCode);
        Assert.Contains($"dataset '{Path.Combine(data, "digits.fcds")}' (through a symlink it is '{temp.Combine("digits.fcds")}') is outside the configured data roots", linkedDataset.Stderr, StringComparison.Ordinal);
        Assert.NotEqual(0, outsideOutput.ExitCode);
        Assert.Contains($"output folder '{temp.Combine("model")}' is outside the configured data roots", outsideOutput.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(data, "model")));
        Assert.False(Directory.Exists(temp.Combine("model")));
    }

    [Fact]
    public async Task Dataset_with_a_data_root_refuses_to_write_outside_it()
    {
        using var temp = new TempDirectory();
        var data = temp.Combine("data");
        Directory.CreateDirectory(data);

        var (exitCode, _, stderr) = await FusionProcess.RunAsync("dataset", "fashion-mnist", "--from", data, "--out", temp.Combine("out.fcds"), "--data-root", data);

        Assert.NotEqual(0, exitCode);
        Assert.Contains($"dataset file '{temp.Combine("out.fcds")}' is outside the configured data roots", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(temp.Combine("out.fcds")));
    }
}
