using FusionCluster.Core.Specs;

namespace FusionCluster.Core.Tests.Specs;

/// <summary>The per-model dataset: key that data-aware methods (regmean, fisher) need, and that other methods refuse.</summary>
public sealed class ModelDatasetReaderTests
{
    private static string Fails(string yaml) => Assert.Throws<SpecException>(() => MergeSpecParser.Parse(yaml, "spec.yaml")).Message;

    [Fact]
    public void Each_model_of_a_regmean_spec_gives_its_dataset()
    {
        var spec = MergeSpecParser.Parse("""
            merge_method: regmean
            models:
              - {model: digits, dataset: digits.fcds}
              - model: fashion
                dataset: data/fashion.fcds
            parameters: {reduce_non_diagonal_ratio: 0.5, samples: 64}
            """);

        Assert.Equal(new Dictionary<string, string> { ["digits"] = "digits.fcds", ["fashion"] = "data/fashion.fcds" }, spec.Datasets);
    }

    [Fact]
    public void A_regmean_model_without_a_dataset_is_refused_naming_the_entry_and_line()
    {
        var message = Fails("""
            merge_method: fisher
            models:
              - {model: digits, dataset: digits.fcds}
              - {model: fashion}
            """);

        Assert.Contains("line 4", message, StringComparison.Ordinal);
        Assert.Contains("models[1].dataset", message, StringComparison.Ordinal);
        Assert.Contains("give dataset:", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_dataset_under_a_method_that_reads_weights_only_is_refused()
    {
        var message = Fails("""
            merge_method: linear
            models:
              - {model: digits, dataset: digits.fcds, parameters: {weight: 1}}
            """);

        Assert.Contains("models[0].dataset", message, StringComparison.Ordinal);
        Assert.Contains("reads weights only", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_regmean_ratio_outside_zero_to_one_is_refused()
    {
        var message = Fails("""
            merge_method: regmean
            models:
              - {model: digits, dataset: digits.fcds}
            parameters: {reduce_non_diagonal_ratio: 1.5}
            """);

        Assert.Contains("reduce_non_diagonal_ratio", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_base_model_not_listed_with_a_dataset_is_refused()
    {
        var message = Fails("""
            merge_method: regmean
            base_model: pretrained
            models:
              - {model: digits, dataset: digits.fcds}
            """);

        Assert.Contains("uses no base_model", message, StringComparison.Ordinal);
    }
}
