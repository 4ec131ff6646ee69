using System.Text.Json.Nodes;
using FusionCluster.Cli.Tests.Support;
using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Cli.Tests.Hosting;

/// <summary>NaN in an input: reported with the model, the tensor and the count; a merge that would publish it fails.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class EmbeddedMergeNonFiniteTests(SyntheticModels models)
{
    private const string Tensor = "model.layers.1.mlp.up_proj.weight";

    [Fact]
    public async Task NaN_carried_into_the_output_fails_the_merge_naming_model_tensor_and_count()
    {
        using var temp = new TempDirectory();
        var poisoned = Poison(temp.Combine("nan-model"), elements: [0, 17, 4000]);
        var output = temp.Combine("out");

        var status = await Merges.RunAsync(Spec("task_arithmetic", poisoned, ""), models.Root, output);

        Assert.Equal(JobState.Failed, status.State);
        Assert.Contains($"tensor '{Tensor}'", status.Error, StringComparison.Ordinal);
        Assert.Contains($"model '{poisoned}' has 3", status.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(output, "model.safetensors")));
    }

    [Fact]
    public async Task NaN_a_method_drops_is_a_warning_in_the_report_naming_model_tensor_and_count()
    {
        using var temp = new TempDirectory();
        // dare_linear keeps each element of a task vector with probability density, and a dropped element
        // is replaced (not multiplied) by zero: at density 1e-6 the 3 NaN of 8192 are dropped (seed 0).
        var poisoned = Poison(temp.Combine("nan-model"), elements: [0, 17, 4000]);
        var output = temp.Combine("out");

        var status = await Merges.RunAsync(Spec("dare_linear", poisoned, "      density: 0.000001\n"), models.Root, output);

        Merges.AssertSucceeded(status);
        var report = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(output, "fusion-report.json"), TestContext.Current.CancellationToken))!;
        var warning = Assert.Single(report["warnings"]!.AsArray(), w => w!.GetValue<string>().Contains("non-finite", StringComparison.Ordinal))!.GetValue<string>();
        Assert.StartsWith($"{Tensor}: model '{poisoned}' has 3 non-finite values", warning, StringComparison.Ordinal);
    }

    private static string Spec(string method, string poisoned, string extraParameters) => $"""
        merge_method: {method}
        base_model: base
        models:
          - model: ft-1
            parameters:
              weight: 0.5
        {extraParameters}  - model: {poisoned}
            parameters:
              weight: 0.5
        {extraParameters}dtype: bfloat16
        """;

    private string Poison(string folder, long[] elements) => PoisonedModels.Write(models, folder, Tensor, elements);
}
