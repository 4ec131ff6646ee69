using FusionCluster.Dashboard.Specs;

namespace FusionCluster.Dashboard.Tests.Specs;

public sealed class SpecCompletionsTests
{
    private const string Ties = "merge_method: ties\nbase_model: base\nmodels:\n  - model: ft-1\n    parameters:\n      weight: 0.5\n      \n";

    [Fact]
    public void After_merge_method_it_suggests_every_method_the_cluster_knows()
    {
        var labels = SpecCompletions.At("merge_method: ti", 1, 17).Select(c => c.Label).ToList();

        // mergekit's names, including the ones the dashboard's examples use.
        Assert.Contains("ties", labels);
        Assert.Contains("linear", labels);
        Assert.Contains("slerp", labels);
        Assert.Contains("dare_ties", labels);
        Assert.All(SpecCompletions.At("merge_method: ", 1, 15), c => Assert.Equal("method", c.Kind));
    }

    [Fact]
    public void Under_a_models_parameters_key_it_suggests_the_chosen_methods_parameters()
    {
        var suggestions = SpecCompletions.At(Ties, 7, 7);
        var labels = suggestions.Select(c => c.Label).ToList();

        Assert.Contains("density", labels);
        Assert.Contains("weight", labels);
        Assert.DoesNotContain("epsilon", labels); // della's, not ties'
        Assert.DoesNotContain("t", labels); // slerp's
        Assert.Contains(suggestions, c => c is { Label: "weight", Kind: "parameter" } && c.Detail.Contains("required", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_suggested_parameter_is_one_the_validator_accepts()
    {
        // weight is set already on the line above; a second one would be a duplicate key.
        foreach (var suggestion in SpecCompletions.At(Ties, 7, 7).Where(c => c.Label != "weight"))
        {
            var yaml = Ties.Replace("      \n", $"      {suggestion.Label}: 0.5\n", StringComparison.Ordinal);

            var check = SpecCheck.Run(yaml, "spec.yaml");

            Assert.True(check.IsValid, $"{suggestion.Label}: {check.Error}");
        }
    }

    [Fact]
    public void At_the_top_level_it_suggests_spec_keys_and_in_a_model_entry_its_keys()
    {
        var top = SpecCompletions.At("merge_method: ties\nba", 2, 3).Select(c => c.Label).ToList();
        var entry = SpecCompletions.At("models:\n  - model: a\n    pa", 3, 7).Select(c => c.Label).ToList();

        Assert.Contains("base_model", top);
        Assert.Contains("models", top);
        Assert.Equal(["model", "parameters", "dataset"], entry);
    }

    [Fact]
    public void Without_a_method_the_parameters_of_all_methods_are_suggested_with_who_takes_them()
    {
        var suggestions = SpecCompletions.At("parameters:\n  ", 2, 3);

        Assert.Contains(suggestions, c => c.Label == "t" && c.Detail.Contains("slerp", StringComparison.Ordinal));
        Assert.Contains(suggestions, c => c.Label == "epsilon" && c.Detail.Contains("della", StringComparison.Ordinal));
        Assert.Equal(suggestions.Count, suggestions.Select(c => c.Label).Distinct().Count());
    }

    [Fact]
    public void Inside_a_value_or_beyond_the_text_nothing_is_suggested()
    {
        Assert.Empty(SpecCompletions.At("base_model: /models/b", 1, 20));
        Assert.Empty(SpecCompletions.At("merge_method: ties", 5, 1));
    }
}
