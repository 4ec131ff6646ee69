using FusionCluster.Core.Specs;

namespace FusionCluster.Core.Tests.Specs;

/// <summary>The align: section of a merge spec: its keys and defaults, and errors that name the key and line.</summary>
public sealed class AlignSectionReaderTests
{
    private const string Models = """
        merge_method: linear
        models:
          - {model: mlp-seed1, parameters: {weight: 0.5}}
          - {model: mlp-seed2, parameters: {weight: 0.5}}

        """;

    private static string Fails(string yaml) => Assert.Throws<SpecException>(() => MergeSpecParser.Parse(yaml, "spec.yaml")).Message;

    [Fact]
    public void Every_key_of_the_issue_example_is_read()
    {
        var spec = MergeSpecParser.Parse(Models + """
            align:
              method: activation_matching
              reference: mlp-seed2
              dataset: digits.fcds
              samples: 2000
              repair: true
              iterations: 7
              seed: 3
              permutation_spec: spec.yaml
            """);

        Assert.Equal(new AlignSpec(AlignMethod.ActivationMatching, "mlp-seed2", "digits.fcds", 2000, true, 7, 3, "spec.yaml"), spec.Align);
    }

    [Fact]
    public void A_spec_without_align_aligns_nothing()
    {
        Assert.Null(MergeSpecParser.Parse(Models).Align);
    }

    [Fact]
    public void The_reference_defaults_to_the_base_model_else_the_first_model_and_iterations_to_100()
    {
        var first = MergeSpecParser.Parse(Models + "align: {method: weight_matching}\n").Align!;
        Assert.Equal(new AlignSpec(AlignMethod.WeightMatching, "mlp-seed1", Iterations: 100, Seed: 0), first);

        var withBase = MergeSpecParser.Parse("""
            merge_method: task_arithmetic
            base_model: base
            models:
              - {model: ft, parameters: {weight: 1}}
            align: {method: weight_matching}
            """).Align!;
        Assert.Equal("base", withBase.Reference);
    }

    [Fact]
    public void An_unknown_key_names_the_key_and_line()
    {
        var message = Fails(Models + """
            align:
              method: weight_matching
              iteration: 5
            """);
        Assert.StartsWith("spec.yaml line 7: align.iteration: unknown key 'iteration'", message);
    }

    [Fact]
    public void An_unknown_method_names_the_three_known_ones()
    {
        Assert.Equal(
            "spec.yaml line 6: align.method: unknown method 'git_rebasin'; expected weight_matching, activation_matching or zipit",
            Fails(Models + "align:\n  method: git_rebasin\n"));
        Assert.StartsWith("spec.yaml line 5: align.method: missing required key 'method'", Fails(Models + "align:\n  seed: 1\n"));
    }

    [Fact]
    public void Weight_matching_needs_no_dataset_and_activation_matching_needs_one()
    {
        Assert.StartsWith(
            "spec.yaml line 7: align.dataset: weight_matching reads the weights only and needs no dataset",
            Fails(Models + "align:\n  method: weight_matching\n  dataset: digits.fcds\n"));
        Assert.StartsWith(
            "spec.yaml line 5: align.dataset: activation_matching measures activations on data: give dataset:",
            Fails(Models + "align:\n  method: activation_matching\n"));
        Assert.StartsWith(
            "spec.yaml line 5: align.dataset: zipit measures activations on data",
            Fails(Models + "align:\n  method: zipit\n"));
        Assert.StartsWith(
            "spec.yaml line 7: align.repair: REPAIR measures unit statistics on data",
            Fails(Models + "align:\n  method: weight_matching\n  repair: true\n"));
    }

    [Fact]
    public void Alpha_belongs_to_zipit_and_lies_in_zero_to_one()
    {
        Assert.Equal(
            new AlignSpec(AlignMethod.Zipit, "mlp-seed1", "digits.fcds", Alpha: 0.5),
            MergeSpecParser.Parse(Models + "align: {method: zipit, dataset: digits.fcds, alpha: 0.5}\n").Align);
        Assert.StartsWith(
            "spec.yaml line 8: align.alpha: alpha is ZipIt!'s factor on merged features' similarities; activation_matching has none",
            Fails(Models + "align:\n  method: activation_matching\n  dataset: digits.fcds\n  alpha: 0.3\n"));
        Assert.StartsWith(
            "spec.yaml line 8: align.alpha: must be in [0, 1], got 1.5",
            Fails(Models + "align:\n  method: zipit\n  dataset: digits.fcds\n  alpha: 1.5\n"));
    }

    [Fact]
    public void Zip_layers_belongs_to_zipit_and_is_zero_or_more()
    {
        Assert.Equal(
            new AlignSpec(AlignMethod.Zipit, "mlp-seed1", "digits.fcds", ZipLayers: 1),
            MergeSpecParser.Parse(Models + "align: {method: zipit, dataset: digits.fcds, zip_layers: 1}\n").Align);
        Assert.Equal(0, MergeSpecParser.Parse(Models + "align: {method: zipit, dataset: digits.fcds, zip_layers: 0}\n").Align!.ZipLayers);
        Assert.Null(MergeSpecParser.Parse(Models + "align: {method: zipit, dataset: digits.fcds}\n").Align!.ZipLayers);
        Assert.StartsWith(
            "spec.yaml line 7: align.zip_layers: zip_layers is ZipIt!'s partial zipping (how many hidden layers the models share); weight_matching has none",
            Fails(Models + "align:\n  method: weight_matching\n  zip_layers: 1\n"));
        Assert.StartsWith(
            "spec.yaml line 8: align.zip_layers: expected an integer from 0 to",
            Fails(Models + "align:\n  method: zipit\n  dataset: digits.fcds\n  zip_layers: -1\n"));
        Assert.StartsWith(
            "spec.yaml line 8: align.zip_layers: expected an integer",
            Fails(Models + "align:\n  method: zipit\n  dataset: digits.fcds\n  zip_layers: half\n"));
    }

    [Fact]
    public void A_reference_that_is_not_a_model_and_bad_numbers_are_errors_naming_the_key()
    {
        Assert.StartsWith(
            "spec.yaml line 7: align.reference: 'mlp-seed3' is not one of the spec's models (mlp-seed1, mlp-seed2)",
            Fails(Models + "align:\n  method: weight_matching\n  reference: mlp-seed3\n"));
        Assert.StartsWith("spec.yaml line 7: align.iterations: expected an integer from 1 to 100000, got '0'", Fails(Models + "align:\n  method: weight_matching\n  iterations: 0\n"));
        Assert.StartsWith("spec.yaml line 7: align.seed: expected an integer from 0", Fails(Models + "align:\n  method: weight_matching\n  seed: -1\n"));
        Assert.StartsWith("spec.yaml line 7: align.repair: expected true or false", Fails(Models + "align:\n  method: weight_matching\n  repair: maybe\n"));
    }

    [Fact]
    public void Align_needs_a_models_spec_with_two_models()
    {
        Assert.StartsWith("spec.yaml line 4: align: aligning needs at least two models", Fails("""
            merge_method: linear
            models:
              - model: only
            align: {method: weight_matching}
            """));
        Assert.StartsWith("spec.yaml line 6: align: works with a models: spec", Fails("""
            merge_method: passthrough
            slices:
              - sources:
                  - {model: a, layer_range: [0, 2]}
                  - {model: b, layer_range: [0, 2]}
            align: {method: weight_matching}
            """));
    }
}
