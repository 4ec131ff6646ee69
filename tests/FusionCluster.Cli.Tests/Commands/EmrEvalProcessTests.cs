using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using FusionCluster.Cli.Tests.Support;
using FusionCluster.Core.Synthesis;
using FusionCluster.Core.Tensors;

namespace FusionCluster.Cli.Tests.Commands;

/// <summary>An emr merge and <c>fusion eval --task</c>, checked against an independent plain-Python implementation (EmrOracle.py).</summary>
public sealed class EmrEvalProcessTests
{
    private const string Spec = """
        merge_method: emr
        base_model: base
        models:
          - model: ft-1
          - model: ft-2
        dtype: float32
        """;

    [Fact]
    public async Task Eval_with_a_task_equals_evaluating_the_model_an_independent_implementation_rebuilds_from_the_mask_files()
    {
        if (!File.Exists("/usr/bin/python3"))
        {
            Assert.Skip("/usr/bin/python3 is not installed");
        }

        using var temp = new TempDirectory();
        var shape = new SyntheticModelShape(Hidden: 32, Intermediate: 64, Layers: 2, Vocab: 64, Heads: 4);
        SyntheticCheckpoint.Write(temp.Combine("base"), shape, DType.F32, baseSeed: 7, variant: 0, cancellationToken: TestContext.Current.CancellationToken);
        SyntheticCheckpoint.Write(temp.Combine("ft-1"), shape, DType.F32, baseSeed: 7, variant: 1, cancellationToken: TestContext.Current.CancellationToken);
        SyntheticCheckpoint.Write(temp.Combine("ft-2"), shape, DType.F32, baseSeed: 7, variant: 2, cancellationToken: TestContext.Current.CancellationToken);
        Merges.AssertSucceeded(await Merges.RunAsync(Spec, temp.Path, temp.Combine("out")));

        var oracle = await Oracle(temp.Path, temp.Combine("out"), temp.Combine("oracle"), "ft-1", "ft-2");
        Assert.Equal(["ft-1", "ft-2"], oracle["tasks"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.Equal(oracle["tensors"]!.GetValue<int>(), oracle["unified_tensors"]!.GetValue<int>());
        Assert.True(oracle["checkpoint_ok"]!.GetValue<bool>(), "the checkpoint is not base + τ_uni");
        Assert.True(oracle["unified_ok"]!.GetValue<bool>(), "emr-unified.safetensors is not τ_uni");
        Assert.True(oracle["masks_ok"]!.GetValue<bool>(), "a mask file's bits are not the task's sign agreement with τ_uni");
        Assert.True(oracle["stats_rel_err"]!.GetValue<double>() < 1e-12, oracle.ToJsonString());
        Assert.True(oracle["semantic_max_abs_err"]!.GetValue<double>() < 1e-5, oracle.ToJsonString());

        foreach (var task in new[] { "ft-1", "ft-2" })
        {
            var eval = await FusionProcess.RunAsync("eval", temp.Combine("out"), "--task", task, "--compare", temp.Combine("oracle", task), "--json");
            Assert.True(eval.ExitCode == 0, eval.Stderr);
            var metrics = JsonNode.Parse(eval.Stdout)!;
            Assert.True(metrics[$"l2_distance/{task}"]!.GetValue<double>() < 1e-6, eval.Stdout);
            var printed = double.Parse(eval.Stderr.Split("rescaler ")[1].Trim(), CultureInfo.InvariantCulture);
            Assert.Equal(oracle["rescalers"]![task]!.GetValue<double>(), printed, 5);
        }

        // Confined to the data roots, the task's model (written to a scratch folder outside them) is still evaluated.
        var confined = await FusionProcess.RunAsync("eval", temp.Combine("out"), "--task", "ft-2", "--compare", temp.Combine("oracle", "ft-2"), "--json", "--data-root", temp.Path);
        Assert.True(confined.ExitCode == 0, confined.Stderr);
        Assert.True(JsonNode.Parse(confined.Stdout)!["l2_distance/ft-2"]!.GetValue<double>() < 1e-6, confined.Stdout);

        // Without --task the checkpoint is the unified model, which is no task's model.
        var unified = await FusionProcess.RunAsync("eval", temp.Combine("out"), "--compare", temp.Combine("oracle", "ft-1"), "--json");
        Assert.True(JsonNode.Parse(unified.Stdout)!["l2_distance/ft-1"]!.GetValue<double>() > 1e-3, unified.Stdout);
    }

    [Fact]
    public async Task An_unknown_task_is_one_error_line_listing_the_outputs_tasks()
    {
        using var temp = new TempDirectory();
        var shape = new SyntheticModelShape(Hidden: 16, Intermediate: 32, Layers: 1, Vocab: 32, Heads: 2);
        SyntheticCheckpoint.Write(temp.Combine("base"), shape, DType.F32, baseSeed: 7, variant: 0, cancellationToken: TestContext.Current.CancellationToken);
        SyntheticCheckpoint.Write(temp.Combine("ft-1"), shape, DType.F32, baseSeed: 7, variant: 1, cancellationToken: TestContext.Current.CancellationToken);
        SyntheticCheckpoint.Write(temp.Combine("ft-2"), shape, DType.F32, baseSeed: 7, variant: 2, cancellationToken: TestContext.Current.CancellationToken);
        Merges.AssertSucceeded(await Merges.RunAsync(Spec, temp.Path, temp.Combine("out")));

        var eval = await FusionProcess.RunAsync("eval", temp.Combine("out"), "--task", "ft-3", "--compare", temp.Combine("base"));
        var plain = await FusionProcess.RunAsync("eval", temp.Combine("base"), "--task", "ft-1", "--compare", temp.Combine("base"));

        Assert.Equal(1, eval.ExitCode);
        Assert.Contains("no emr task 'ft-3'; its tasks are ft-1, ft-2", eval.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, plain.ExitCode);
        Assert.Contains("--task needs the output of a merge with merge_method: emr", plain.Stderr, StringComparison.Ordinal);
    }

    private static async Task<JsonNode> Oracle(string root, string output, string oracle, params string[] tasks)
    {
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "Commands", "EmrOracle.py"), root, output, oracle }.Concat(tasks))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.True(process.ExitCode == 0, await stderr);
        return JsonNode.Parse(await stdout)!;
    }
}
