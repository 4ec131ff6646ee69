using static FusionCluster.Core.Tests.Planning.PlanningFixtures;

namespace FusionCluster.Core.Tests.Planning;

public sealed class MergePlannerParameterTests
{
    [Fact]
    public void Gradient_t_is_spread_over_the_layers_of_the_slice()
    {
        const string Yaml = """
            merge_method: slerp
            base_model: a
            models:
              - model: a
              - model: b
            parameters:
              t: [0, 1]
            """;

        var plan = Plan(Yaml, Models(Llama("a", 5), Llama("b", 5)));

        // 5 layers: t = i / 4.
        double[] expected = [0, 0.25, 0.5, 0.75, 1];
        for (var i = 0; i < 5; i++)
        {
            foreach (var suffix in LlamaLayerSuffixes)
            {
                var tensor = Tensor(plan, $"model.layers.{i}.{suffix}");
                Assert.Equal(expected[i], tensor.Parameters["t"], 12);
                Assert.Equal("a", tensor.Base!.Model);
                Assert.Equal("b", tensor.Inputs.Single().Model);
            }
        }

        Assert.Equal(0.5, Tensor(plan, "model.layers.2.self_attn.q_proj.weight").Parameters["t"], 12);

        // Weights outside the blocks take the gradient's first value.
        Assert.Equal(0.0, Tensor(plan, "model.embed_tokens.weight").Parameters["t"]);
        Assert.Equal(0.0, Tensor(plan, "model.norm.weight").Parameters["t"]);
    }

    [Fact]
    public void Three_point_gradient_interpolates_piecewise()
    {
        const string Yaml = """
            merge_method: slerp
            base_model: a
            models:
              - model: a
              - model: b
            parameters:
              t: [0.2, 1.0, 0.0]
            """;

        var plan = Plan(Yaml, Models(Llama("a", 5), Llama("b", 5)));

        // t_layer = i/4; s = t*2: 0, 0.5, 1, 1.5, 2 -> 0.2, 0.6, 1.0, 0.5, 0.0
        double[] expected = [0.2, 0.6, 1.0, 0.5, 0.0];
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(expected[i], Tensor(plan, $"model.layers.{i}.input_layernorm.weight").Parameters["t"], 12);
        }
    }

    [Fact]
    public void Gradients_restart_in_every_slice()
    {
        const string Yaml = """
            merge_method: slerp
            base_model: a
            slices:
              - sources:
                  - model: a
                    layer_range: [0, 3]
                  - model: b
                    layer_range: [0, 3]
              - sources:
                  - model: a
                    layer_range: [3, 6]
                  - model: b
                    layer_range: [3, 6]
            parameters:
              t: [0, 1]
            """;

        var plan = Plan(Yaml, Models(Llama("a", 6), Llama("b", 6)));

        double[] expected = [0, 0.5, 1, 0, 0.5, 1];
        for (var i = 0; i < 6; i++)
        {
            var tensor = Tensor(plan, $"model.layers.{i}.self_attn.q_proj.weight");
            Assert.Equal(expected[i], tensor.Parameters["t"], 12);
            Assert.Equal($"model.layers.{i}.self_attn.q_proj.weight", tensor.Inputs.Single().Tensor);
        }
    }

    [Fact]
    public void Filtered_parameters_reach_only_the_matching_tensors()
    {
        const string Yaml = """
            merge_method: slerp
            base_model: a
            models:
              - model: a
              - model: b
            parameters:
              t:
                - filter: self_attn
                  value: 0.1
                - filter: layernorm
                  value: 0.7
                - value: 0.4
            """;

        var plan = Plan(Yaml, Models(Llama("a", 3), Llama("b", 3)));

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(0.1, Tensor(plan, $"model.layers.{i}.self_attn.q_proj.weight").Parameters["t"]);
            Assert.Equal(0.7, Tensor(plan, $"model.layers.{i}.input_layernorm.weight").Parameters["t"]);
        }

        Assert.Equal(0.4, Tensor(plan, "model.embed_tokens.weight").Parameters["t"]);
        Assert.Equal(0.4, Tensor(plan, "model.norm.weight").Parameters["t"]);
        Assert.Equal(0.4, Tensor(plan, "lm_head.weight").Parameters["t"]);
    }

    [Fact]
    public void Per_model_filtered_weights_fall_back_to_the_global_value()
    {
        const string Yaml = """
            merge_method: ties
            base_model: base
            models:
              - model: x
                parameters:
                  weight:
                    - filter: q_proj
                      value: 0.9
                  density: 0.3
              - model: y
                parameters:
                  weight: 0.25
            parameters:
              weight: 0.6
              normalize: false
            """;

        var plan = Plan(Yaml, Models(Llama("base", 2), Llama("x", 2), Llama("y", 2)));

        var q = Tensor(plan, "model.layers.1.self_attn.q_proj.weight");
        var norm = Tensor(plan, "model.layers.1.input_layernorm.weight");
        Assert.Equal("base", q.Base!.Model);
        Assert.Empty(q.Base.Parameters);
        Assert.Equal(["x", "y"], q.Inputs.Select(i => i.Model));
        Assert.Equal([0.9, 0.25], q.Inputs.Select(i => i.Parameters["weight"]));
        Assert.Equal([0.6, 0.25], norm.Inputs.Select(i => i.Parameters["weight"]));
        Assert.Equal([0.3, 1.0], q.Inputs.Select(i => i.Parameters["density"])); // y gets the method's default density
        Assert.Equal(0.0, q.Parameters["normalize"]);
    }
}
