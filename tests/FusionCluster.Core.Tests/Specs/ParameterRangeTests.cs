using FusionCluster.Core.Specs;

namespace FusionCluster.Core.Tests.Specs;

/// <summary>Parameter values outside their meaning are refused while reading, naming the key, the line and the range.</summary>
public sealed class ParameterRangeTests
{
    [Theory]
    [InlineData("0")]
    [InlineData("-0.1")]
    [InlineData("1.01")]
    [InlineData("2")]
    public void A_density_outside_0_to_1_is_refused_with_key_and_line(string density)
    {
        var error = Fails($"merge_method: ties\nbase_model: base\nmodels:\n  - model: a\n    parameters:\n      weight: 1\n      density: {density}\n");

        Assert.StartsWith("spec.yaml line 7: models[0].parameters.density: ", error, StringComparison.Ordinal);
        Assert.Contains("is outside (0, 1]", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("0.001")]
    [InlineData("[1, 0.5, 0.1]")]
    public void A_density_in_0_to_1_is_read(string density)
    {
        MergeSpecParser.Parse($"merge_method: ties\nbase_model: base\nmodels:\n  - model: a\n    parameters:\n      weight: 1\n      density: {density}\n", "spec.yaml");
    }

    [Fact]
    public void Every_point_of_a_gradient_and_every_conditional_value_is_checked()
    {
        var gradient = Fails("merge_method: ties\nbase_model: base\nparameters:\n  density: [1, 0.5, 0]\nmodels:\n  - model: a\n    parameters: {weight: 1}\n");
        var conditional = Fails("merge_method: dare_ties\nbase_model: base\nparameters:\n  density:\n    - filter: mlp\n      value: 0.5\n    - value: 1.5\nmodels:\n  - model: a\n    parameters: {weight: 1}\n");

        Assert.StartsWith("spec.yaml line 4: parameters.density[2]: 0 is outside (0, 1]", gradient, StringComparison.Ordinal);
        Assert.StartsWith("spec.yaml line 7: parameters.density[1].value: 1.5 is outside (0, 1]", conditional, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-0.5", "-0.5")]
    [InlineData("1.5", "1.5")]
    [InlineData("[0, 0.5, 1.2]", "1.2")]
    public void Slerp_t_outside_0_to_1_is_refused_with_key_and_line(string t, string shown)
    {
        var error = Fails($"merge_method: slerp\nbase_model: a\nmodels:\n  - model: a\n  - model: b\nparameters:\n  t: {t}\n");

        Assert.StartsWith("spec.yaml line 7: parameters.t", error, StringComparison.Ordinal);
        Assert.Contains($"{shown} is outside [0, 1]", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Nearswap_t_and_extrapolating_weights_are_not_limited_to_0_to_1()
    {
        MergeSpecParser.Parse("merge_method: nearswap\nbase_model: a\nmodels:\n  - model: a\n  - model: b\nparameters:\n  t: 2.5\n", "spec.yaml");
        MergeSpecParser.Parse("merge_method: task_arithmetic\nbase_model: base\nmodels:\n  - model: a\n    parameters: {weight: 1.5}\n  - model: b\n    parameters: {weight: -0.5}\n", "spec.yaml");
    }

    [Theory]
    [InlineData("ram", "epsilon", "-1e-5", "[0, ∞]")]
    [InlineData("ramplus_tl", "alpha", "-0.2", "[0, ∞]")]
    [InlineData("iso_cts", "common_space_fraction", "1.2", "[0, 1]")]
    [InlineData("wudi", "lr", "0", "(0, ∞]")]
    [InlineData("wudi", "iter_num", "-1", "[0, 1000000]")]
    public void The_new_methods_parameters_outside_their_range_are_refused(string method, string parameter, string value, string range)
    {
        var error = Fails($"merge_method: {method}\nbase_model: base\nmodels:\n  - model: a\nparameters:\n  {parameter}: {value}\n");

        Assert.StartsWith($"spec.yaml line 6: parameters.{parameter}: ", error, StringComparison.Ordinal);
        Assert.Contains($"is outside {range}", error, StringComparison.Ordinal);
    }

    private static string Fails(string yaml) => Assert.Throws<SpecException>(() => MergeSpecParser.Parse(yaml, "spec.yaml")).Message;
}
