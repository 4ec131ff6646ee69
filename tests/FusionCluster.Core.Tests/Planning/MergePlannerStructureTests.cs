using FusionCluster.Core.Planning;
using FusionCluster.Core.Tensors;
using static FusionCluster.Core.Tests.Planning.PlanningFixtures;

namespace FusionCluster.Core.Tests.Planning;

public sealed class MergePlannerStructureTests
{
    [Fact]
    public void Linear_over_three_models_has_a_unit_per_layer_plus_embeddings_and_head()
    {
        const int Layers = 4;
        var models = Models(Llama("a", Layers), Llama("b", Layers), Llama("c", Layers));

        var plan = Plan(LinearOfThree, models);

        Assert.Equal("linear", plan.Method);
        Assert.Equal(Layers + 2, plan.Units.Count);
        Assert.Equal(Enumerable.Range(0, plan.Units.Count), plan.Units.Select(u => u.Index));
        Assert.Equal(["model.embed_tokens.weight"], plan.Units[0].Tensors.Select(t => t.Name));
        for (var i = 0; i < Layers; i++)
        {
            var unit = plan.Units[i + 1];
            Assert.Equal(
                [$"model.layers.{i}.input_layernorm.weight", $"model.layers.{i}.self_attn.q_proj.weight"],
                unit.Tensors.Select(t => t.Name).Order(StringComparer.Ordinal));
        }

        Assert.Equal(["lm_head.weight", "model.norm.weight"], plan.Units[^1].Tensors.Select(t => t.Name).Order(StringComparer.Ordinal));

        // Every tensor of the inputs appears in the output exactly once.
        var outputNames = AllTensors(plan).Select(t => t.Name).ToList();
        Assert.Equal(outputNames.Count, outputNames.Distinct().Count());
        Assert.Equal(LlamaTensors(Layers).Keys.Order(StringComparer.Ordinal), outputNames.Order(StringComparer.Ordinal));
        Assert.Equal(outputNames.Count, plan.TensorCount);

        // Each merged tensor reads all three models, in spec order, with their own weights; linear has no base.
        foreach (var tensor in AllTensors(plan))
        {
            Assert.Equal(TensorKind.Merge, tensor.Kind);
            Assert.Null(tensor.Base);
            Assert.Equal(["a", "b", "c"], tensor.Inputs.Select(i => i.Model));
            Assert.All(tensor.Inputs, i => Assert.Equal(tensor.Name, i.Tensor));
            Assert.Equal([1.0, 2.0, 3.0], tensor.Inputs.Select(i => i.Parameters["weight"]));
            Assert.Equal(1.0, tensor.Parameters["normalize"]);
            Assert.Equal(DType.F32, tensor.OutputDType);
            Assert.Equal(tensor.Shape.Aggregate(1L, (x, y) => x * y) * 4, tensor.ByteLength);
            Assert.Equal(3 * tensor.ByteLength, tensor.InputBytes);
        }

        Assert.Equal(AllTensors(plan).Sum(t => t.ByteLength), plan.TotalOutputBytes);
        Assert.Equal(3 * plan.TotalOutputBytes, plan.TotalInputBytes);
        Assert.Equal(new Dictionary<string, string> { ["a"] = "/models/a", ["b"] = "/models/b", ["c"] = "/models/c" }, plan.ModelPaths);
        Assert.Empty(plan.Warnings);
        Assert.Equal(Layers, plan.OutputConfig!["num_hidden_layers"]!.GetValue<int>());
    }

    [Fact]
    public void Embedding_tensors_are_flagged_as_embeddings()
    {
        var plan = Plan(LinearOfThree, Models(Llama("a", 1), Llama("b", 1), Llama("c", 1)));
        Assert.True(Tensor(plan, "model.embed_tokens.weight").IsEmbedding);
        Assert.True(Tensor(plan, "lm_head.weight").IsEmbedding);
        Assert.False(Tensor(plan, "model.norm.weight").IsEmbedding);
        Assert.False(Tensor(plan, "model.layers.0.self_attn.q_proj.weight").IsEmbedding);
    }

    [Fact]
    public void Passthrough_frankenmerge_stacks_layer_ranges()
    {
        const string Yaml = """
            merge_method: passthrough
            slices:
              - sources:
                  - model: A
                    layer_range: [0, 3]
              - sources:
                  - model: B
                    layer_range: [1, 4]
            """;
        var models = Models(Llama("A", 4), Llama("B", 4));

        var plan = Plan(Yaml, models);

        // 3 layers from A then 3 from B.
        var layerUnits = plan.Units.Where(u => u.Name.StartsWith("layer", StringComparison.Ordinal)).ToList();
        Assert.Equal(6, layerUnits.Count);
        (string Model, int Layer)[] expected = [("A", 0), ("A", 1), ("A", 2), ("B", 1), ("B", 2), ("B", 3)];
        for (var output = 0; output < 6; output++)
        {
            foreach (var suffix in LlamaLayerSuffixes)
            {
                var tensor = Tensor(plan, $"model.layers.{output}.{suffix}");
                Assert.Equal(TensorKind.Copy, tensor.Kind);
                var input = Assert.Single(tensor.Inputs);
                Assert.Equal(expected[output].Model, input.Model);
                Assert.Equal($"model.layers.{expected[output].Layer}.{suffix}", input.Tensor);
            }
        }

        // Output layer 3 is B's layer 1.
        Assert.Equal(("B", "model.layers.1.self_attn.q_proj.weight"), (Tensor(plan, "model.layers.3.self_attn.q_proj.weight").Inputs[0].Model, Tensor(plan, "model.layers.3.self_attn.q_proj.weight").Inputs[0].Tensor));

        // Embeddings come from the first slice, the head from the last.
        Assert.Equal("A", Tensor(plan, "model.embed_tokens.weight").Inputs.Single().Model);
        Assert.Equal("B", Tensor(plan, "lm_head.weight").Inputs.Single().Model);
        Assert.Equal("B", Tensor(plan, "model.norm.weight").Inputs.Single().Model);
        Assert.DoesNotContain(AllTensors(plan), t => t.Name.StartsWith("model.layers.6.", StringComparison.Ordinal));

        Assert.Equal(6, plan.OutputConfig!["num_hidden_layers"]!.GetValue<int>());
        Assert.Equal(4, models["A"].Config!["num_hidden_layers"]!.GetValue<int>()); // the input's config is not changed
    }

    [Fact]
    public void Passthrough_with_scale_merges_instead_of_copying()
    {
        const string Yaml = """
            merge_method: passthrough
            slices:
              - sources:
                  - model: A
                    layer_range: [0, 2]
                    parameters:
                      scale:
                        - filter: q_proj
                          value: 0.5
                        - value: 1.0
            """;
        var plan = Plan(Yaml, Models(Llama("A", 2)));
        var q = Tensor(plan, "model.layers.1.self_attn.q_proj.weight");
        Assert.Equal(TensorKind.Merge, q.Kind);
        Assert.Equal(0.5, q.Inputs.Single().Parameters["scale"]);
        Assert.Equal(TensorKind.Copy, Tensor(plan, "model.layers.1.input_layernorm.weight").Kind);
    }

    [Fact]
    public void Tied_head_models_produce_no_lm_head()
    {
        var models = Models(Llama("a", 2, withHead: false), Llama("b", 2, withHead: false), Llama("c", 2, withHead: false));

        var plan = Plan(LinearOfThree, models);

        var names = AllTensors(plan).Select(t => t.Name).ToList();
        Assert.DoesNotContain("lm_head.weight", names);
        Assert.Contains("model.embed_tokens.weight", names);
        Assert.Contains("model.norm.weight", names);
        Assert.True(plan.OutputConfig!["tie_word_embeddings"]!.GetValue<bool>());
    }

    [Fact]
    public void A_head_present_in_one_model_is_merged_with_the_tied_embeddings_of_the_others()
    {
        var models = Models(Llama("a", 2), Llama("b", 2, withHead: false), Llama("c", 2));

        var plan = Plan(LinearOfThree, models);

        var head = Tensor(plan, "lm_head.weight");
        Assert.Equal(["lm_head.weight", "model.embed_tokens.weight", "lm_head.weight"], head.Inputs.Select(i => i.Tensor));
        Assert.Equal(["a", "b", "c"], head.Inputs.Select(i => i.Model));
    }

    [Fact]
    public void Mismatched_vocabularies_are_cropped_to_the_common_rows_with_a_warning()
    {
        var models = Models(Llama("a", 2, vocab: 40), Llama("b", 2, vocab: 32), Llama("c", 2, vocab: 36));

        var plan = Plan(LinearOfThree, models);

        foreach (var name in new[] { "model.embed_tokens.weight", "lm_head.weight" })
        {
            var tensor = Tensor(plan, name);
            Assert.Equal([32L, Hidden], tensor.Shape);
            Assert.Equal(32L * Hidden * 4, tensor.ByteLength);
            Assert.Contains(plan.Warnings, w => w.Contains(name, StringComparison.Ordinal));
        }

        Assert.Equal(2, plan.Warnings.Count);
        Assert.Equal(32, plan.OutputConfig!["vocab_size"]!.GetValue<int>());
        Assert.Equal([Hidden, Hidden], Tensor(plan, "model.layers.0.self_attn.q_proj.weight").Shape);
    }

    [Fact]
    public void Out_dtype_sets_the_output_dtype_and_config()
    {
        const string Yaml = """
            merge_method: linear
            models:
              - model: a
                parameters:
                  weight: 1
              - model: b
                parameters:
                  weight: 1
            dtype: float32
            out_dtype: bfloat16
            """;
        var plan = Plan(Yaml, Models(Llama("a", 1), Llama("b", 1)));
        var q = Tensor(plan, "model.layers.0.self_attn.q_proj.weight");
        Assert.Equal(DType.BF16, q.OutputDType);
        Assert.Equal(DType.F32, q.ComputeDType);
        Assert.Equal(Hidden * Hidden * 2L, q.ByteLength);
        Assert.Equal("bfloat16", plan.OutputConfig!["torch_dtype"]!.GetValue<string>());
    }

    [Fact]
    public void Integer_tensors_are_copied_from_the_first_source()
    {
        var a = LlamaTensors(1);
        a["model.position_ids"] = new(DType.I64, [1, 16]);
        var b = LlamaTensors(1);
        b["model.position_ids"] = new(DType.I64, [1, 16]);
        var models = Models(FromTensors("a", a, LlamaConfig(1)), FromTensors("b", b, LlamaConfig(1)));
        const string Yaml = """
            merge_method: linear
            models:
              - model: a
                parameters:
                  weight: 1
              - model: b
                parameters:
                  weight: 1
            """;

        var plan = Plan(Yaml, models);

        var ids = Tensor(plan, "model.position_ids");
        Assert.Equal(TensorKind.Copy, ids.Kind);
        Assert.Equal("a", ids.Inputs.Single().Model);
        Assert.Equal(DType.I64, ids.OutputDType);
        Assert.Equal(16L * 8, ids.ByteLength);
    }
}
