using FusionCluster.Core.Planning;
using FusionCluster.Core.Specs;
using FusionCluster.Core.Tensors;
using static FusionCluster.Core.Tests.Planning.PlanningFixtures;

namespace FusionCluster.Core.Tests.Planning;

public sealed class MergePlannerErrorTests
{
    private const string LinearAB = """
        merge_method: linear
        models:
          - model: a
            parameters:
              weight: 1
          - model: b
            parameters:
              weight: 1
        """;

    [Fact]
    public void A_missing_tensor_names_the_model_and_the_tensor()
    {
        var b = LlamaTensors(2);
        b.Remove("model.norm.weight");
        var models = Models(Llama("a", 2), FromTensors("b", b, LlamaConfig(2)));

        var e = Assert.Throws<SpecException>(() => Plan(LinearAB, models));

        Assert.Contains("'b'", e.Message, StringComparison.Ordinal);
        Assert.Contains("'model.norm.weight'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_layer_tensor_missing_from_every_layer_of_one_model_names_the_model_and_the_tensor()
    {
        var b = LlamaTensors(2);
        b.Remove("model.layers.0.self_attn.q_proj.weight");
        b.Remove("model.layers.1.self_attn.q_proj.weight");
        var models = Models(Llama("a", 2), FromTensors("b", b, LlamaConfig(2)));

        var e = Assert.Throws<SpecException>(() => Plan(LinearAB, models));

        Assert.Contains("'b'", e.Message, StringComparison.Ordinal);
        Assert.Contains("'model.layers.0.self_attn.q_proj.weight'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_shape_mismatch_outside_the_embeddings_is_an_error()
    {
        var b = LlamaTensors(2);
        b["model.layers.0.input_layernorm.weight"] = new(DType.F32, [Hidden + 1]);
        b["model.layers.1.input_layernorm.weight"] = new(DType.F32, [Hidden + 1]);
        var models = Models(Llama("a", 2), FromTensors("b", b, LlamaConfig(2)));

        var e = Assert.Throws<SpecException>(() => Plan(LinearAB, models));

        Assert.Contains("shape mismatch", e.Message, StringComparison.Ordinal);
        Assert.Contains("input_layernorm", e.Message, StringComparison.Ordinal);
        Assert.Contains($"[{Hidden + 1}]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_embedding_with_a_different_hidden_rank_is_still_a_mismatch()
    {
        var b = LlamaTensors(1);
        b["model.embed_tokens.weight"] = new(DType.F32, [Vocab * Hidden]);
        var models = Models(Llama("a", 1), FromTensors("b", b, LlamaConfig(1)));

        var e = Assert.Throws<SpecException>(() => Plan(LinearAB, models));
        Assert.Contains("model.embed_tokens.weight", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Slerp_with_two_models_besides_the_base_names_the_method()
    {
        const string Yaml = """
            merge_method: slerp
            base_model: a
            models:
              - model: a
              - model: b
              - model: c
            parameters:
              t: 0.5
            """;
        var e = Assert.Throws<SpecException>(() => Plan(Yaml, Models(Llama("a", 2), Llama("b", 2), Llama("c", 2))));
        Assert.Contains("'slerp'", e.Message, StringComparison.Ordinal);
        Assert.Contains("exactly 1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Model_stock_with_one_fine_tune_names_the_method()
    {
        const string Yaml = """
            merge_method: model_stock
            base_model: a
            models:
              - model: a
              - model: b
            """;
        var e = Assert.Throws<SpecException>(() => Plan(Yaml, Models(Llama("a", 2), Llama("b", 2))));
        Assert.Contains("'model_stock'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_base_method_without_a_base_model_is_an_error()
    {
        const string Yaml = """
            merge_method: ties
            models:
              - model: a
                parameters:
                  weight: 1
              - model: b
                parameters:
                  weight: 1
            """;
        var e = Assert.Throws<SpecException>(() => Plan(Yaml, Models(Llama("a", 2), Llama("b", 2))));
        Assert.Contains("base_model", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("parameters:\n  density: 0.5\n", "density")]
    [InlineData("parameters:\n  t: 0.5\n", "t")]
    public void An_unknown_top_level_parameter_names_the_key(string extra, string key)
    {
        var e = Assert.Throws<SpecException>(() => Plan(LinearAB + "\n" + extra, Models(Llama("a", 1), Llama("b", 1))));
        Assert.Contains($"'{key}'", e.Message, StringComparison.Ordinal);
        Assert.Contains("'linear'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_per_model_parameter_names_the_key()
    {
        const string Yaml = """
            merge_method: linear
            models:
              - model: a
                parameters:
                  weight: 1
                  densty: 0.3
              - model: b
                parameters:
                  weight: 1
            """;
        var e = Assert.Throws<SpecException>(() => Plan(Yaml, Models(Llama("a", 1), Llama("b", 1))));
        Assert.Contains("'densty'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Linear_without_a_weight_for_one_model_is_an_error_naming_the_model()
    {
        const string Yaml = """
            merge_method: linear
            models:
              - model: a
                parameters:
                  weight: 1
              - model: b
            """;
        var e = Assert.Throws<SpecException>(() => Plan(Yaml, Models(Llama("a", 1), Llama("b", 1))));
        Assert.Contains("'weight'", e.Message, StringComparison.Ordinal);
        Assert.Contains("'b'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Models_with_different_layer_counts_need_slices()
    {
        var e = Assert.Throws<SpecException>(() => Plan(LinearAB, Models(Llama("a", 2), Llama("b", 3))));
        Assert.Contains("'a' has 2", e.Message, StringComparison.Ordinal);
        Assert.Contains("'b' has 3", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_layer_range_past_the_model_is_an_error()
    {
        const string Yaml = """
            merge_method: passthrough
            slices:
              - sources:
                  - model: a
                    layer_range: [2, 5]
            """;
        var e = Assert.Throws<SpecException>(() => Plan(Yaml, Models(Llama("a", 4))));
        Assert.Contains("'a'", e.Message, StringComparison.Ordinal);
        Assert.Contains("4 layers", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_config_layer_count_mismatch_surfaces_when_planning()
    {
        var bad = new ModelInfo("a", "/models/a", LlamaConfig(3), LlamaTensors(2));
        var e = Assert.Throws<SpecException>(() => Plan(LinearAB, Models(bad, Llama("b", 2))));
        Assert.Contains("'a'", e.Message, StringComparison.Ordinal);
    }
}
