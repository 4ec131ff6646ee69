using FusionCluster.Core.Specs;

namespace FusionCluster.Core.Tests.Specs;

/// <summary>mergekit's own examples (examples/*.yml), verbatim, must parse and resolve exactly as mergekit would.</summary>
public sealed class MergekitExampleTests
{
    private const string GradientSlerp = """
        slices:
          - sources:
              - model: psmathur/orca_mini_v3_13b
                layer_range: [0, 40]
              - model: garage-bAInd/Platypus2-13B
                layer_range: [0, 40]
        # or, the equivalent models: syntax:
        # models:
        #   - model: psmathur/orca_mini_v3_13b
        #   - model: garage-bAInd/Platypus2-13B
        merge_method: slerp
        base_model: psmathur/orca_mini_v3_13b
        parameters:
          t:
            - filter: self_attn
              value: [0, 0.5, 0.3, 0.7, 1]
            - filter: mlp
              value: [1, 0.5, 0.7, 0.3, 0]
            - value: 0.5 # fallback for rest of tensors
        dtype: float16
        """;

    private const string Ties = """
        models:
          - model: psmathur/orca_mini_v3_13b
            parameters:
              density: [1, 0.7, 0.1] # density gradient
              weight: 1.0
          - model: garage-bAInd/Platypus2-13B
            parameters:
              density: 0.5
              weight: [0, 0.3, 0.7, 1] # weight gradient
          - model: WizardLM/WizardMath-13B-V1.0
            parameters:
              density: 0.33
              weight:
                - filter: mlp
                  value: 0.5
                - value: 0
        merge_method: ties
        base_model: TheBloke/Llama-2-13B-fp16
        parameters:
          normalize: true
          int8_mask: true
        dtype: float16
        """;

    private const string Passthrough44 = """
        slices:
          - sources:
            - model: psmathur/orca_mini_v3_13b
              layer_range: [0, 24]
          - sources:
            - model: garage-bAInd/Platypus2-13B
              layer_range: [20, 40]
        merge_method: passthrough
        dtype: float16
        """;

    [Fact]
    public void Gradient_slerp_normalises_to_one_slice_of_two_sources()
    {
        var spec = MergeSpecParser.Parse(GradientSlerp, "gradient-slerp.yml");

        Assert.Equal("slerp", spec.MergeMethod);
        Assert.Equal("psmathur/orca_mini_v3_13b", spec.BaseModel);
        Assert.False(spec.UsesModels);
        Assert.Equal("float16", spec.DType);
        Assert.Null(spec.OutDType);
        Assert.Equal(TokenizerSourceKind.Default, spec.TokenizerSource);
        Assert.Equal(GradientSlerp, spec.SourceText);

        var slice = Assert.Single(spec.Slices);
        Assert.Null(slice.BaseModel);
        Assert.Equal("psmathur/orca_mini_v3_13b", spec.BaseModelFor(slice));
        // The base is already a source; slices: never get it appended.
        Assert.Equal(["psmathur/orca_mini_v3_13b", "garage-bAInd/Platypus2-13B"], slice.Sources.Select(s => s.Model));
        Assert.All(slice.Sources, s => Assert.Equal(new LayerRange(0, 40), s.LayerRange));
        Assert.All(slice.Sources, s => Assert.Empty(s.Parameters));

        var t = Assert.IsType<ConditionalSetting>(spec.Parameters["t"]);
        Assert.Equal(
            new ConditionalSetting(
            [
                new ConditionalEntry("self_attn", new GradientSetting([0, 0.5, 0.3, 0.7, 1])),
                new ConditionalEntry("mlp", new GradientSetting([1, 0.5, 0.7, 0.3, 0])),
                new ConditionalEntry(null, new ScalarSetting(0.5)),
            ]),
            t);
    }

    [Fact]
    public void Gradient_slerp_t_resolves_per_layer_and_filter()
    {
        var spec = MergeSpecParser.Parse(GradientSlerp);
        var slice = spec.Slices[0];
        double T(string tensor, int layer) =>
            ParameterResolver.Resolve(spec, slice, "t", null, tensor, ParameterResolver.LayerT(layer, 40))!.Value;

        // Layer 3 of 40: t = 3/39, s = 4 * 3/39 = 12/39, i0 = 0, f = 12/39.
        //   self_attn [0, 0.5, ...]: (1 - f) * 0 + f * 0.5 = 6/39
        //   mlp       [1, 0.5, ...]: (1 - f) * 1 + f * 0.5 = 1 - 6/39 = 33/39
        Assert.Equal(6.0 / 39, T("model.layers.3.self_attn.q_proj.weight", 3), 12);
        Assert.Equal(33.0 / 39, T("model.layers.3.mlp.down_proj.weight", 3), 12);
        Assert.Equal(0.5, T("model.layers.3.input_layernorm.weight", 3), 12);

        // Layer 20: t = 20/39, s = 80/39 = 2 + 2/39, i0 = 2, f = 2/39.
        //   self_attn: (1 - f) * 0.3 + f * 0.7 = 0.3 + 0.8/39 = 12.5/39
        //   mlp:       (1 - f) * 0.7 + f * 0.3 = 0.7 - 0.8/39 = 26.5/39
        Assert.Equal(12.5 / 39, T("model.layers.20.self_attn.o_proj.weight", 20), 12);
        Assert.Equal(26.5 / 39, T("model.layers.20.mlp.up_proj.weight", 20), 12);

        // Last layer: t = 1 -> last gradient point.
        Assert.Equal(1.0, T("model.layers.39.self_attn.k_proj.weight", 39), 12);
        Assert.Equal(0.0, T("model.layers.39.mlp.gate_proj.weight", 39), 12);

        // Embeddings / head use t = 0 and match only the catch-all here.
        Assert.Equal(0.5, ParameterResolver.Resolve(spec, spec.Slices[0], "t", null, "model.embed_tokens.weight", ParameterResolver.PrePostT));
        Assert.Equal(0.5, ParameterResolver.Resolve(spec, spec.Slices[^1], "t", null, "lm_head.weight", ParameterResolver.PrePostT));
    }

    [Fact]
    public void Ties_normalises_models_and_appends_the_unlisted_base_last()
    {
        var spec = MergeSpecParser.Parse(Ties, "ties.yml");

        Assert.Equal("ties", spec.MergeMethod);
        Assert.True(spec.UsesModels);
        Assert.Equal("TheBloke/Llama-2-13B-fp16", spec.BaseModel);
        var slice = Assert.Single(spec.Slices);
        Assert.Null(slice.BaseModel);
        Assert.Empty(slice.Parameters);
        Assert.Equal(
            ["psmathur/orca_mini_v3_13b", "garage-bAInd/Platypus2-13B", "WizardLM/WizardMath-13B-V1.0", "TheBloke/Llama-2-13B-fp16"],
            slice.Sources.Select(s => s.Model));
        Assert.All(slice.Sources, s => Assert.Null(s.LayerRange));
        Assert.Empty(slice.Sources[3].Parameters);

        Assert.Equal(new GradientSetting([1, 0.7, 0.1]), slice.Sources[0].Parameters["density"]);
        Assert.Equal(new ScalarSetting(1.0), slice.Sources[0].Parameters["weight"]);
        Assert.Equal(new GradientSetting([0, 0.3, 0.7, 1]), slice.Sources[1].Parameters["weight"]);
        Assert.Equal(new ScalarSetting(0.33), slice.Sources[2].Parameters["density"]);
        Assert.Equal(new ScalarSetting(1.0), spec.Parameters["normalize"]);
        Assert.Equal(new ScalarSetting(1.0), spec.Parameters["int8_mask"]);
        Assert.Equal(
            ["TheBloke/Llama-2-13B-fp16", "psmathur/orca_mini_v3_13b", "garage-bAInd/Platypus2-13B", "WizardLM/WizardMath-13B-V1.0"],
            spec.AllModels());
    }

    [Fact]
    public void Ties_per_model_values_resolve_by_hand()
    {
        var spec = MergeSpecParser.Parse(Ties);
        var slice = spec.Slices[0];
        const string Orca = "psmathur/orca_mini_v3_13b", Platypus = "garage-bAInd/Platypus2-13B", Wizard = "WizardLM/WizardMath-13B-V1.0";
        const string Attn = "model.layers.10.self_attn.q_proj.weight", Mlp = "model.layers.10.mlp.up_proj.weight";
        var t10 = ParameterResolver.LayerT(10, 40); // 10/39

        // density [1, 0.7, 0.1] at t = 10/39: s = 20/39, i0 = 0, f = 20/39 -> 1 - 0.3 * 20/39 = 33/39.
        Assert.Equal(33.0 / 39, ParameterResolver.Resolve(spec, slice, "density", Orca, Attn, t10)!.Value, 12);
        // weight [0, 0.3, 0.7, 1] at t = 10/39: s = 30/39, i0 = 0, f = 30/39 -> 0.3 * 30/39 = 9/39.
        Assert.Equal(9.0 / 39, ParameterResolver.Resolve(spec, slice, "weight", Platypus, Attn, t10)!.Value, 12);
        // At layer 26, t = 26/39 = 2/3, s = 2 exactly -> the third point, 0.7.
        Assert.Equal(0.7, ParameterResolver.Resolve(spec, slice, "weight", Platypus, Attn, ParameterResolver.LayerT(26, 40))!.Value, 12);
        Assert.Equal(1.0, ParameterResolver.Resolve(spec, slice, "weight", Orca, Attn, t10));
        Assert.Equal(0.5, ParameterResolver.Resolve(spec, slice, "density", Platypus, Mlp, t10));
        // Conditional weight: mlp -> 0.5, everything else -> 0.
        Assert.Equal(0.5, ParameterResolver.Resolve(spec, slice, "weight", Wizard, Mlp, t10));
        Assert.Equal(0.0, ParameterResolver.Resolve(spec, slice, "weight", Wizard, Attn, t10));
        // The base has no per-model values and there is no global density/weight: the method default applies.
        Assert.Null(ParameterResolver.Resolve(spec, slice, "density", "TheBloke/Llama-2-13B-fp16", Attn, t10));
        Assert.Equal(0.9, ParameterResolver.ResolveOrDefault(spec, slice, "density", "TheBloke/Llama-2-13B-fp16", Attn, t10, 0.9));
        // Globals.
        Assert.Equal(1.0, ParameterResolver.Resolve(spec, slice, "normalize", null, Attn, t10));
        Assert.Equal(1.0, ParameterResolver.Resolve(spec, slice, "int8_mask", null, Attn, t10));
        // Embeddings at t = 0 take the first gradient points.
        Assert.Equal(1.0, ParameterResolver.Resolve(spec, slice, "density", Orca, "model.embed_tokens.weight", ParameterResolver.PrePostT));
        Assert.Equal(0.0, ParameterResolver.Resolve(spec, slice, "weight", Platypus, "lm_head.weight", ParameterResolver.PrePostT));
    }

    [Fact]
    public void Passthrough_44_layer_frankenmerge_keeps_both_slices_in_order()
    {
        var spec = MergeSpecParser.Parse(Passthrough44, "orcamini-platy-44layer.yml");

        Assert.Equal("passthrough", spec.MergeMethod);
        Assert.Null(spec.BaseModel);
        Assert.False(spec.UsesModels);
        Assert.Equal("float16", spec.DType);
        Assert.Equal(2, spec.Slices.Count);
        var first = Assert.Single(spec.Slices[0].Sources);
        var second = Assert.Single(spec.Slices[1].Sources);
        Assert.Equal(("psmathur/orca_mini_v3_13b", new LayerRange(0, 24)), (first.Model, first.LayerRange!.Value));
        Assert.Equal(("garage-bAInd/Platypus2-13B", new LayerRange(20, 40)), (second.Model, second.LayerRange!.Value));
        Assert.Equal(44, spec.Slices.Sum(s => s.Sources[0].LayerRange!.Value.Count));
        Assert.Equal(["psmathur/orca_mini_v3_13b", "garage-bAInd/Platypus2-13B"], spec.AllModels());
    }

    [Fact]
    public void Equivalent_models_syntax_of_gradient_slerp_lists_each_model_once()
    {
        const string Yaml = """
            models:
              - model: psmathur/orca_mini_v3_13b
              - model: garage-bAInd/Platypus2-13B
            merge_method: slerp
            base_model: psmathur/orca_mini_v3_13b
            parameters:
              t: 0.5
            """;
        var spec = MergeSpecParser.Parse(Yaml);
        Assert.True(spec.UsesModels);
        Assert.Equal(["psmathur/orca_mini_v3_13b", "garage-bAInd/Platypus2-13B"], spec.Slices[0].Sources.Select(s => s.Model));
    }
}
