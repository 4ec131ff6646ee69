using FusionCluster.Core.Synthesis;
using FusionCluster.Dashboard.Specs;

namespace FusionCluster.Dashboard.Tests.Specs;

public sealed class SpecCheckTests
{
    [Fact]
    public void Valid_spec_is_summarised()
    {
        var check = SpecCheck.Run(ExampleSpecs.For(fineTunes: 2).Single(e => e.Name == "ties").Yaml, "ties.yaml");

        Assert.True(check.IsValid, check.Error);
        Assert.Equal("ties over 3 models (base: base)", check.Summary);
    }

    [Fact]
    public void Every_example_is_valid()
    {
        Assert.All(ExampleSpecs.For(fineTunes: 2), example => Assert.True(SpecCheck.Run(example.Yaml, example.Name).IsValid, $"{example.Name}: {SpecCheck.Run(example.Yaml, example.Name).Error}"));
    }

    [Fact]
    public void Unknown_key_is_named_with_its_line()
    {
        var check = SpecCheck.Run("merge_method: linear\nmodels:\n  - model: a\n    parameters:\n      weight: 1\n  - model: b\n    paramters:\n      weight: 2\n", "my.yaml");

        Assert.False(check.IsValid);
        Assert.Contains("models[1].paramters: unknown key 'paramters'", check.Error, StringComparison.Ordinal);
        Assert.Contains("my.yaml line 7", check.Error, StringComparison.Ordinal);
        Assert.Equal(7, check.ErrorLine);
    }

    [Fact]
    public void A_parameter_the_method_does_not_take_is_an_error_at_its_line_never_valid()
    {
        const string spec = """
            merge_method: ties
            base_model: base
            models:
              - model: ft-1
                parameters:
                  weight: 0.5
                  densty: 0.5
              - model: ft-2
                parameters: {weight: 0.5, density: 0.5}
            """;

        var check = SpecCheck.Run(spec, "ties.yaml");

        Assert.False(check.IsValid);
        Assert.Equal(7, check.ErrorLine);
        Assert.Contains("ties.yaml line 7: models[0].parameters.densty: merge_method 'ties' has no parameter 'densty'", check.Error, StringComparison.Ordinal);
        Assert.Contains("density", check.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Deeply_nested_spec_is_an_error_not_a_crash()
    {
        var check = SpecCheck.Run("merge_method: linear\nmodels: " + new string('[', 14_000) + new string(']', 14_000), "deep.yaml");

        Assert.False(check.IsValid);
        Assert.Contains("deeper than 64 levels", check.Error, StringComparison.Ordinal);
        Assert.Equal(2, check.ErrorLine);
    }

    [Fact]
    public void TheCircuitCarriesTheLongestTextTheEditorTakes()
    {
        // Worst case: every character a six-byte JSON escape (\u00XX).
        Assert.True(SpecEditorLimits.MaxReceiveMessageBytes > SpecEditorLimits.MaxCharacters * 6L);
    }

    [Fact]
    public void Malformed_yaml_names_the_line()
    {
        var check = SpecCheck.Run("merge_method: linear\nmodels: [\n", "spec.yaml");

        Assert.False(check.IsValid);
        Assert.NotNull(check.ErrorLine);
    }

    [Fact]
    public void Empty_spec_says_so()
    {
        var check = SpecCheck.Run("   ", "spec.yaml");

        Assert.False(check.IsValid);
        Assert.Contains("empty", check.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Line_of_returns_that_line()
    {
        Assert.Equal("  b: 2", SpecCheck.LineOf("a: 1\r\n  b: 2\r\n", 2));
        Assert.Null(SpecCheck.LineOf("a: 1", 5));
    }
}
