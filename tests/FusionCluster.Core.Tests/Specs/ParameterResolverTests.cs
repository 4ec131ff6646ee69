using FusionCluster.Core.Specs;

namespace FusionCluster.Core.Tests.Specs;

public sealed class ParameterResolverTests
{
    // lambda stands for any parameter a method reads without a model (a method-level one).
    private const string Layered = """
        merge_method: task_arithmetic
        parameters:
          weight: 0.1
          lambda: 0.25
        slices:
          - sources:
              - model: a
                layer_range: [0, 4]
                parameters:
                  weight:
                    - filter: mlp
                      value: 0.9
                  lambda: 0.75
              - model: b
                layer_range: [0, 4]
            parameters:
              weight: 0.2
          - sources:
              - model: a
                layer_range: [4, 8]
                parameters:
                  weight: 0.3
              - model: b
                layer_range: [4, 8]
        """;

    [Fact]
    public void Source_parameter_beats_slice_parameter_beats_global()
    {
        var spec = MergeSpecParser.Parse(Layered);
        var (s0, s1) = (spec.Slices[0], spec.Slices[1]);
        const string Mlp = "model.layers.1.mlp.up_proj.weight";

        Assert.Equal(0.9, ParameterResolver.Resolve(spec, s0, "weight", "a", Mlp, 0));   // source
        Assert.Equal(0.2, ParameterResolver.Resolve(spec, s0, "weight", "b", Mlp, 0));   // slice
        Assert.Equal(0.3, ParameterResolver.Resolve(spec, s1, "weight", "a", Mlp, 0));   // source
        Assert.Equal(0.1, ParameterResolver.Resolve(spec, s1, "weight", "b", Mlp, 0));   // global
    }

    [Fact]
    public void Conditional_with_no_matching_filter_falls_through_to_the_next_level()
    {
        var spec = MergeSpecParser.Parse(Layered);
        // a's only entry filters on mlp; an attention tensor gets the slice's value, as in mergekit.
        Assert.Equal(0.2, ParameterResolver.Resolve(spec, spec.Slices[0], "weight", "a", "model.layers.1.self_attn.q_proj.weight", 0));
    }

    [Fact]
    public void Global_parameters_ignore_source_parameters()
    {
        var spec = MergeSpecParser.Parse(Layered);
        // mergekit looks up method-level parameters without a model, so a's lambda: 0.75 is never consulted.
        Assert.Equal(0.25, ParameterResolver.Resolve(spec, spec.Slices[0], "lambda", null, "x", 0));
        Assert.Equal(0.75, ParameterResolver.Resolve(spec, spec.Slices[0], "lambda", "a", "x", 0));
        Assert.Null(ParameterResolver.Resolve(spec, spec.Slices[0], "density", null, "x", 0));
        Assert.Null(ParameterResolver.Resolve(spec, spec.Slices[0], "density", "a", "x", 0));
    }

    [Fact]
    public void Conditional_first_match_wins_including_catch_all()
    {
        var spec = MergeSpecParser.Parse("""
            merge_method: passthrough
            models:
              - model: m
                parameters:
                  scale:
                    - filter: o_proj
                      value: 0
                    - filter: proj
                      value: 2
                    - filter: "*"
                      value: 3
                    - value: 4
            """);
        var slice = spec.Slices[0];
        Assert.Equal(0.0, ParameterResolver.Resolve(spec, slice, "scale", "m", "model.layers.0.self_attn.o_proj.weight", 0));
        Assert.Equal(2.0, ParameterResolver.Resolve(spec, slice, "scale", "m", "model.layers.0.self_attn.q_proj.weight", 0));
        Assert.Equal(3.0, ParameterResolver.Resolve(spec, slice, "scale", "m", "model.norm.weight", 0));
    }

    [Fact]
    public void Conditional_without_catch_all_yields_null_when_nothing_matches()
    {
        var spec = MergeSpecParser.Parse("""
            merge_method: linear
            models:
              - model: m
                parameters:
                  weight: [{filter: mlp, value: 1}]
            """);
        Assert.Null(ParameterResolver.Resolve(spec, spec.Slices[0], "weight", "m", "model.norm.weight", 0));
    }

    [Fact]
    public void Conditional_value_may_be_a_gradient_and_a_single_mapping_is_one_entry()
    {
        var spec = MergeSpecParser.Parse("""
            merge_method: linear
            models:
              - model: m
                parameters:
                  weight: {filter: mlp, value: [0, 1]}
            """);
        Assert.Equal(
            new ConditionalSetting([new ConditionalEntry("mlp", new GradientSetting([0, 1]))]),
            spec.Slices[0].Sources[0].Parameters["weight"]);
        Assert.Equal(0.25, ParameterResolver.Resolve(spec, spec.Slices[0], "weight", "m", "layers.1.mlp.w", 0.25));
    }

    [Fact]
    public void Booleans_and_numeric_strings_are_coerced_to_numbers()
    {
        var spec = MergeSpecParser.Parse("""
            merge_method: ties
            models:
              - model: m
                parameters:
                  weight: "0.3"
                  density: ['0.5', 1, 2e-1]
            parameters:
              normalize: true
              int8_mask: false
              rescale: yes
              lambda: .5
            """);
        var p = spec.Slices[0].Sources[0].Parameters;
        Assert.Equal(new ScalarSetting(0.3), p["weight"]);
        Assert.Equal(new GradientSetting([0.5, 1, 0.2]), p["density"]);
        Assert.Equal(new ScalarSetting(1), spec.Parameters["normalize"]);
        Assert.Equal(new ScalarSetting(0), spec.Parameters["int8_mask"]);
        Assert.Equal(new ScalarSetting(1), spec.Parameters["rescale"]);
        Assert.Equal(new ScalarSetting(0.5), spec.Parameters["lambda"]);
    }

    [Theory]
    [InlineData(0, 40, 0.0)]
    [InlineData(39, 40, 1.0)]
    [InlineData(3, 40, 3.0 / 39)]
    [InlineData(0, 1, 1.0)]
    [InlineData(1, 3, 0.5)]
    public void LayerT_is_index_over_count_minus_one_and_one_for_a_single_layer(int index, int count, double expected) =>
        Assert.Equal(expected, ParameterResolver.LayerT(index, count), 15);

    [Fact]
    public void LayerT_rejects_out_of_range_indices()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ParameterResolver.LayerT(4, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => ParameterResolver.LayerT(-1, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => ParameterResolver.LayerT(0, 0));
    }
}
