using FusionCluster.Core.Specs;
using static FusionCluster.Core.Tests.Planning.PlanningFixtures;

namespace FusionCluster.Core.Tests.Planning;

/// <summary>Methods that divide by the sum of the weights refuse a zero sum at planning (mergekit would write inf/NaN).</summary>
public sealed class NormalisedWeightsTests
{
    [Theory]
    [InlineData("linear", "0", "0", "every weight is 0")]
    [InlineData("linear", "1", "-1", "the weights sum to 0")]
    [InlineData("multislerp", "0", "0", "every weight is 0")]
    public void Weights_summing_to_zero_are_refused_naming_the_tensor_and_the_models(string method, string weightA, string weightB, string what)
    {
        var spec = $"merge_method: {method}\nmodels:\n  - model: a\n    parameters: {{weight: {weightA}}}\n  - model: b\n    parameters: {{weight: {weightB}}}\n";

        var error = Assert.Throws<SpecException>(() => Plan(spec, Models(Llama("a", 2), Llama("b", 2)))).Message;

        Assert.Contains(what, error, StringComparison.Ordinal);
        Assert.Contains($"'a' {weightA}", error, StringComparison.Ordinal);
        Assert.Contains($"'b' {weightB}", error, StringComparison.Ordinal);
        Assert.Contains("tensor '", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("linear", "normalize")]
    [InlineData("multislerp", "normalize_weights")]
    public void Without_normalising_zero_weights_are_allowed(string method, string flag)
    {
        var spec = $"merge_method: {method}\nparameters: {{{flag}: false}}\nmodels:\n  - model: a\n    parameters: {{weight: 0}}\n  - model: b\n    parameters: {{weight: 0}}\n";

        Assert.NotEmpty(Plan(spec, Models(Llama("a", 2), Llama("b", 2))).Units);
    }
}
