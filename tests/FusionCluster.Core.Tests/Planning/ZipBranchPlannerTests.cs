using System.Text.Json.Nodes;
using FusionCluster.Core.Planning;
using FusionCluster.Core.Specs;
using FusionCluster.Core.Tensors;

namespace FusionCluster.Core.Tests.Planning;

/// <summary>
/// Partial ZipIt! in a merge plan (align: {method: zipit, zip_layers: k}) over two MLP classifiers 784-16-8-10 (layers
/// 0 and 1 hidden, layer 2 the logits): the first k layers are merged, each model's later layers are copied into its
/// branch, named as a partially zipped classifier names them, and config.json says so.
/// </summary>
public sealed class ZipBranchPlannerTests : IDisposable
{
    private readonly TempDirectory folder = new();

    public ZipBranchPlannerTests() => File.WriteAllBytes(Path.Combine(folder.Path, "d.fcds"), [1]);

    public void Dispose() => folder.Dispose();

    [Fact]
    public void Zipping_one_of_two_hidden_layers_merges_it_and_copies_each_models_later_layers_into_its_branch()
    {
        var plan = Plan("zip_layers: 1");

        Assert.Equal(["layer 0", "branch 0 layer 0", "branch 0 layer 1", "branch 1 layer 0", "branch 1 layer 1"], plan.Units.Select(u => u.Name));
        Assert.Equal(
            ["layers.0.bias", "layers.0.weight",
             "branches.0.layers.0.bias", "branches.0.layers.0.weight", "branches.0.layers.1.bias", "branches.0.layers.1.weight",
             "branches.1.layers.0.bias", "branches.1.layers.0.weight", "branches.1.layers.1.bias", "branches.1.layers.1.weight"],
            PlanningFixtures.AllTensors(plan).Select(t => t.Name));

        var shared = PlanningFixtures.Tensor(plan, "layers.0.weight");
        Assert.Equal(TensorKind.Merge, shared.Kind);
        Assert.Equal(["a", "b"], shared.Inputs.Select(i => i.Model));

        // The reference is branch 0; each branch reads its own model's layer of the same number past the shared ones.
        foreach (var (name, model, tensor, shape) in new[]
        {
            ("branches.0.layers.0.weight", "a", "layers.1.weight", new long[] { 8, 16 }),
            ("branches.0.layers.1.bias", "a", "layers.2.bias", [10]),
            ("branches.1.layers.0.weight", "b", "layers.1.weight", [8, 16]),
            ("branches.1.layers.1.weight", "b", "layers.2.weight", [10, 8]),
        })
        {
            var copied = PlanningFixtures.Tensor(plan, name);
            Assert.Equal(TensorKind.Copy, copied.Kind);
            Assert.Equal((model, tensor), (copied.Inputs.Single().Model, copied.Inputs.Single().Tensor));
            Assert.Equal(shape, copied.Shape);
            Assert.Equal(shape.Aggregate(4L, (a, b) => a * b), copied.ByteLength);
        }

        Assert.Equal(1, plan.OutputConfig!["zip_layers"]!.GetValue<int>());
        Assert.Equal(2, plan.OutputConfig["branches"]!.GetValue<int>());
        Assert.Equal("fusion-mnist-mlp", plan.OutputConfig["model_type"]!.GetValue<string>());
        Assert.Equal(1, plan.Align!.ZipLayers);
    }

    [Fact]
    public void The_reference_is_branch_zero_wherever_it_stands_in_the_spec()
    {
        var plan = Plan("zip_layers: 1, reference: b");

        Assert.Equal("b", PlanningFixtures.Tensor(plan, "branches.0.layers.0.weight").Inputs.Single().Model);
        Assert.Equal("a", PlanningFixtures.Tensor(plan, "branches.1.layers.0.weight").Inputs.Single().Model);
    }

    [Fact]
    public void Zipping_no_layer_keeps_both_models_whole_as_branches()
    {
        var plan = Plan("zip_layers: 0");

        Assert.Equal(["branch 0 layer 0", "branch 0 layer 1", "branch 0 layer 2", "branch 1 layer 0", "branch 1 layer 1", "branch 1 layer 2"], plan.Units.Select(u => u.Name));
        Assert.All(PlanningFixtures.AllTensors(plan), t => Assert.Equal(TensorKind.Copy, t.Kind));
        Assert.Equal(0, plan.OutputConfig!["zip_layers"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("zip_layers: 2")]
    [InlineData("")]
    public void Zipping_every_hidden_layer_is_an_ordinary_merge_of_every_layer(string zipLayers)
    {
        var plan = Plan(zipLayers);

        Assert.Equal(["layer 0", "layer 1", "layer 2"], plan.Units.Select(u => u.Name));
        Assert.All(PlanningFixtures.AllTensors(plan), t => Assert.Equal(TensorKind.Merge, t.Kind));
        Assert.False(plan.OutputConfig!.ContainsKey("zip_layers"));
        Assert.False(plan.OutputConfig.ContainsKey("branches"));
    }

    [Fact]
    public void More_layers_than_the_models_hidden_ones_fail_naming_the_key_and_the_count()
    {
        var error = Assert.Throws<SpecException>(() => Plan("zip_layers: 3"));

        Assert.Equal("align.zip_layers: the models have 2 hidden layers; zip 0..2 of them, not 3", error.Message);
    }

    [Fact]
    public void A_dtype_the_copied_branches_do_not_have_is_refused()
    {
        var error = Assert.Throws<SpecException>(() => Plan("zip_layers: 1", top: "dtype: float16\n"));

        Assert.StartsWith("align.zip_layers: the branches keep each model's own layers as stored (F32 in 'layers.1.bias' of model 'a')", error.Message);
        Assert.Equal(["layer 0", "branch 0 layer 0", "branch 0 layer 1", "branch 1 layer 0", "branch 1 layer 1"], Plan("zip_layers: 1", top: "dtype: float32\n").Units.Select(u => u.Name));
    }

    private MergePlan Plan(string zipSettings, string top = "")
    {
        var align = zipSettings.Length == 0 ? "{method: zipit, dataset: d.fcds}" : $"{{method: zipit, dataset: d.fcds, {zipSettings}}}";
        var yaml = $"merge_method: linear\n{top}models:\n  - {{model: a, parameters: {{weight: 0.5}}}}\n  - {{model: b, parameters: {{weight: 0.5}}}}\nalign: {align}\n";
        return PlanningFixtures.Plan(yaml, PlanningFixtures.Models(Mlp("a"), Mlp("b")), new PlanOptions { SpecDirectory = folder.Path });
    }

    private static ModelInfo Mlp(string reference)
    {
        var tensors = new Dictionary<string, TensorHeader>(StringComparer.Ordinal);
        long features = 784;
        var layer = 0;
        foreach (var width in new long[] { 16, 8, 10 })
        {
            tensors[$"layers.{layer}.weight"] = new(DType.F32, [width, features]);
            tensors[$"layers.{layer}.bias"] = new(DType.F32, [width]);
            features = width;
            layer++;
        }

        var config = new JsonObject
        {
            ["architectures"] = new JsonArray("FusionMnistMlp"),
            ["model_type"] = "fusion-mnist-mlp",
            ["hidden_sizes"] = new JsonArray(16, 8),
            ["num_labels"] = 10,
        };
        return PlanningFixtures.FromTensors(reference, tensors, config);
    }
}
