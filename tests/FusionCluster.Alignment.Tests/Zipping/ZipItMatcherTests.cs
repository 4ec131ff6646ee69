using FusionCluster.Alignment.Zipping;

namespace FusionCluster.Alignment.Tests.Zipping;

public sealed class ZipItMatcherTests
{
    [Fact]
    public void The_most_correlated_cross_model_pairs_are_merged_and_averaged()
    {
        // Features a0 a1 | b0 b1: a0~b1 (0.9), a1~b0 (0.8), the rest weakly related.
        double[] correlation =
        [
            1.0, 0.1, 0.2, 0.9,
            0.1, 1.0, 0.8, 0.3,
            0.2, 0.8, 1.0, 0.1,
            0.9, 0.3, 0.1, 1.0,
        ];

        var clusters = ZipItMatcher.Match(correlation, 2, new ZipItOptions());

        // Cluster 0 = {a0, b1} (first merge, kept at a0's position), cluster 1 = {a1, b0}.
        Assert.Equal([0, 1, 1, 0], clusters.ClusterOf);
        Assert.Equal([0.5f, 0, 0, 0.5f, 0, 0.5f, 0.5f, 0], clusters.MergeMatrix());
        Assert.Equal([1f, 0, 0, 1, 0, 1, 1, 0], clusters.UnmergeMatrix());
    }

    [Fact]
    public void A_within_model_pair_merges_when_its_budget_allows_and_not_otherwise()
    {
        // n = 4 per model, so ⌊4/2 · β⌋ within-model merges per model: 1 with β = 0.5, 0 with β = 0.
        // a0~a1 is the strongest pair; across, a_i~b_i at 0.7.
        var n = 4;
        var correlation = new double[64];
        for (var i = 0; i < 8; i++)
        {
            correlation[(i * 8) + i] = 1;
        }

        void Set(int i, int j, double value) => (correlation[(i * 8) + j], correlation[(j * 8) + i]) = (value, value);
        Set(0, 1, 0.95);
        for (var i = 0; i < n; i++)
        {
            Set(i, n + i, 0.7);
        }

        var withBudget = ZipItMatcher.Match(correlation, n, new ZipItOptions(Alpha: 0.3, Beta: 0.5));
        var withoutBudget = ZipItMatcher.Match(correlation, n, new ZipItOptions(Alpha: 0.3, Beta: 0));

        Assert.Equal(withBudget.ClusterOf[0], withBudget.ClusterOf[1]);
        Assert.NotEqual(withoutBudget.ClusterOf[0], withoutBudget.ClusterOf[1]);
        Assert.Equal([0, 1, 2, 3, 0, 1, 2, 3], withoutBudget.ClusterOf);
        Assert.Equal(n, withBudget.Count);
    }
}
