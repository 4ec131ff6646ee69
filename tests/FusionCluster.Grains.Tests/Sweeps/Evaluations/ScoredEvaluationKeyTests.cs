using FusionCluster.Grains.Sweeps.Evaluations;

namespace FusionCluster.Grains.Tests.Sweeps.Evaluations;

/// <summary>The key of an in-job score: the same for the same merge and evaluator, different when either changes.</summary>
public sealed class ScoredEvaluationKeyTests
{
    private static readonly (string, string)[] Compare = [("ft-1", "model.safetensors 100 abc 1;"), ("ft-2", "model.safetensors 100 def 2;")];

    [Fact]
    public void The_same_merge_and_evaluator_give_the_same_key_of_64_hex_characters()
    {
        var key = ScoredEvaluationKey.Compute("merge-a", Compare, "base-print");

        Assert.Equal(key, ScoredEvaluationKey.Compute("merge-a", [.. Compare], "base-print"));
        Assert.Matches("^[0-9a-f]{64}$", key);
    }

    [Fact]
    public void A_change_of_the_merge_or_of_any_reference_gives_another_key()
    {
        var keys = new[]
        {
            ScoredEvaluationKey.Compute("merge-a", Compare, "base-print"),
            ScoredEvaluationKey.Compute("merge-b", Compare, "base-print"),
            ScoredEvaluationKey.Compute("merge-a", [("ft-1", "model.safetensors 100 abc 1;"), ("ft-2", "model.safetensors 100 def 3;")], "base-print"),
            ScoredEvaluationKey.Compute("merge-a", [("ft-1", "model.safetensors 100 abc 1;"), ("other", "model.safetensors 100 def 2;")], "base-print"),
            ScoredEvaluationKey.Compute("merge-a", [.. Compare.Reverse()], "base-print"),
            ScoredEvaluationKey.Compute("merge-a", Compare, "other-base"),
            ScoredEvaluationKey.Compute("merge-a", Compare, null),
            ScoredEvaluationKey.Compute("merge-a", [Compare[0]], "base-print"),
        };

        Assert.Equal(keys.Length, keys.Distinct().Count());
    }

    [Fact]
    public void Names_and_fingerprints_cannot_be_shifted_into_each_other()
    {
        // Without the lengths, "a b" + "c" and "a" + "b c" would read the same.
        Assert.NotEqual(
            ScoredEvaluationKey.Compute("merge-a", [("a b", "c")], null),
            ScoredEvaluationKey.Compute("merge-a", [("a", "b c")], null));
    }
}
