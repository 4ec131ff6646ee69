using FusionCluster.Alignment.Zipping;

namespace FusionCluster.Alignment.Tests.Zipping;

public sealed class ZipFoldTests
{
    // Four features (a0 a1 | b0 b1) in two clusters.
    private static readonly FeatureClusters Crossed = new([1, 0, 0, 1], 2);   // {a1, b0} at 0, {a0, b1} at 1
    private static readonly FeatureClusters WithinModels = new([0, 0, 1, 1], 2); // {a0, a1}, {b0, b1}
    private static readonly FeatureClusters Uneven = new([0, 1, 1, 1], 2);    // {a0}, {a1, b0, b1}

    [Fact]
    public void Inputs_sum_the_models_own_features_of_each_cluster_a_channel_block_at_a_time()
    {
        // A linear layer after a flatten of 2 channels × 2 pixels: [out 2, in 4], channel c = inputs 2c, 2c+1.
        float[] weight = [1, 2, 3, 4, 5, 6, 7, 8];

        var crossed = new ZipFold(null, Crossed, 2, 0, 1).Apply(weight, [2, 4], "w");
        var within = new ZipFold(null, WithinModels, 2, 0, 1).Apply(weight, [2, 4], "w");

        // Cluster 0 reads a1's block, cluster 1 a0's: the blocks swap.
        Assert.Equal([3f, 4, 1, 2, 7, 8, 5, 6], crossed.Values);
        Assert.Equal([2L, 4], crossed.Shape);

        // Cluster 0 = a0 + a1 (block by block); no feature of a is in cluster 1.
        Assert.Equal([4f, 6, 0, 0, 12, 14, 0, 0], within.Values);
    }

    [Fact]
    public void A_convolutions_input_channels_are_unmerged_with_their_kernels_whole()
    {
        // [out 2, in 2, 1, 2]: each input channel carries a 1×2 kernel.
        float[] weight = [1, 2, 3, 4, 5, 6, 7, 8];

        var folded = new ZipFold(null, WithinModels, 1, 1, 1).Apply(weight, [2, 2, 1, 2], "conv");

        // b's channels both belong to cluster 1: their kernels add up there; cluster 0 has none of b's.
        Assert.Equal([0f, 0, 4, 6, 0, 0, 12, 14], folded.Values);
    }

    [Fact]
    public void Outputs_are_each_models_share_of_the_cluster_mean_then_scaled()
    {
        float[] bias = [10, 30];

        var a = new ZipFold(Uneven, null, 1, 0, 2).Apply(bias, [2], "b");
        var b = new ZipFold(Uneven, null, 1, 1, 1).Apply(bias, [2], "b");

        // a: cluster 0 = a0 alone (10, doubled); cluster 1 gets a third of a1 (30 / 3 = 10, doubled).
        Assert.Equal([20f, 20], a.Values);

        // b: nothing in cluster 0; cluster 1 gets a third of b0 and of b1: (10 + 30) / 3.
        Assert.Equal(0f, b.Values[0]);
        Assert.Equal(40.0 / 3, b.Values[1], 5);
    }

    [Fact]
    public void Both_shares_sum_to_the_dense_merge_and_unmerge_product()
    {
        // A second implementation: M·[W_a; W_b]·U with the dense matrices of FeatureClusters, on random weights and
        // clusters ZipIt! finds on a random correlation (so some clusters mix within a model).
        const int n = 6;
        var random = new Random(7);
        var correlation = new double[4 * n * n];
        for (var i = 0; i < 2 * n; i++)
        {
            for (var j = 0; j <= i; j++)
            {
                var value = i == j ? 1 : (random.NextDouble() * 2) - 1;
                correlation[(i * 2 * n) + j] = value;
                correlation[(j * 2 * n) + i] = value;
            }
        }

        var rows = ZipItMatcher.Match(correlation, n, new ZipItOptions(Beta: 1));
        var columns = new FeatureClusters([.. Enumerable.Range(0, 2 * n).Select(f => f % n)], n); // a_i with b_i
        Assert.Contains(Enumerable.Range(0, n), k => rows.ClusterOf.Count(c => c == k) != 2);
        var weightA = Enumerable.Range(0, n * n).Select(_ => (float)random.NextDouble()).ToArray();
        var weightB = Enumerable.Range(0, n * n).Select(_ => (float)random.NextDouble()).ToArray();

        var shareA = new ZipFold(rows, columns, 1, 0, 1).Apply(weightA, [n, n], "w").Values;
        var shareB = new ZipFold(rows, columns, 1, 1, 1).Apply(weightB, [n, n], "w").Values;

        var merge = rows.MergeMatrix();       // [n, 2n]
        var unmerge = columns.UnmergeMatrix(); // [2n, n]
        for (var k = 0; k < n; k++)
        {
            for (var c = 0; c < n; c++)
            {
                var expected = 0.0;
                for (var side = 0; side < 2; side++)
                {
                    var weight = side == 0 ? weightA : weightB;
                    for (var i = 0; i < n; i++)
                    {
                        for (var f = 0; f < n; f++)
                        {
                            expected += merge[(k * 2 * n) + (side * n) + i] * weight[(i * n) + f] * unmerge[(((side * n) + f) * n) + c];
                        }
                    }
                }

                Assert.Equal(expected, shareA[(k * n) + c] + shareB[(k * n) + c], 5);
            }
        }
    }

    [Fact]
    public void A_tensor_that_does_not_fit_its_clusters_is_an_error_naming_it()
    {
        var error = Assert.Throws<AlignmentException>(() => new ZipFold(null, Crossed, 2, 0, 1).Apply(new float[6], [2, 3], "layers.1.weight"));
        Assert.Contains("tensor 'layers.1.weight'", error.Message, StringComparison.Ordinal);
    }
}
