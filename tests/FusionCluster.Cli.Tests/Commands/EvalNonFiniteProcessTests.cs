using System.Text.Json.Nodes;
using FusionCluster.Cli.Tests.Support;

namespace FusionCluster.Cli.Tests.Commands;

/// <summary>`fusion eval` of a model with NaN weights: the metrics are printed as they are, and a warning names the cause.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class EvalNonFiniteProcessTests(SyntheticModels models)
{
    private const string Tensor = "model.layers.1.mlp.up_proj.weight";

    [Fact]
    public async Task Metrics_that_are_no_number_come_with_a_warning_naming_the_tensor_and_count()
    {
        using var temp = new TempDirectory();
        var poisoned = PoisonedModels.Write(models, temp.Combine("nan-model"), Tensor, [3, 99]);

        var (exitCode, stdout, stderr) = await FusionProcess.RunAsync("eval", poisoned, "--compare", models.Folder("ft-1"), "--json");

        // Before, the NaN cosine and distance came with exit 0 and nothing on stderr.
        Assert.True(exitCode == 0, stderr);
        var metrics = JsonNode.Parse(stdout)!.AsObject();
        Assert.Null(metrics["cosine/ft-1"]);
        var warning = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith($"warning: {poisoned}: tensor '{Tensor}' holds 2 NaN or infinite value(s); ", warning, StringComparison.Ordinal);
        Assert.Contains("cosine/ft-1", warning, StringComparison.Ordinal);
        Assert.Contains("l2_distance/ft-1", warning, StringComparison.Ordinal);
        Assert.EndsWith("are not a number", warning, StringComparison.Ordinal);
    }
}
