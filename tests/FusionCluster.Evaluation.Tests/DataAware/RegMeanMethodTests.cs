using FusionCluster.Evaluation.DataAware;
using FusionCluster.Evaluation.Tests.Support;
using static TorchSharp.torch;

namespace FusionCluster.Evaluation.Tests.DataAware;

[Collection(TorchCollection.Name)]
public sealed class RegMeanMethodTests
{
    [Fact]
    public void Regmean_with_identity_gram_matrices_is_the_simple_average()
    {
        using var w1 = tensor(new float[] { 1, -2, 3, 4, 0.5f, -6 }, [2, 3]);
        using var w2 = tensor(new float[] { 3, 2, -1, 0, 2.5f, 6 }, [2, 3]);
        using var w3 = tensor(new float[] { 2, 3, 1, -1, 0, 3 }, [2, 3]);
        using var identity = eye(3);

        using var merged = RegMeanMethod.MergeLinear([w1, w2, w3], [identity, identity, identity], alpha: 0.9);

        // (w1 + w2 + w3) / 3, by hand.
        Assert.Equal(new float[] { 2, 1, 1, 1, 1, 1 }, merged.data<float>().ToArray(), new FloatTolerance(1e-5f));
    }

    [Fact]
    public void Regmean_with_diagonal_gram_matrices_averages_each_input_column_by_its_gram_entries()
    {
        // One output, two inputs. Column 0: (3·2 + 1·6) / (3 + 1) = 3; column 1: (1·4 + 1·8) / 2 = 6.
        using var w1 = tensor(new float[] { 2, 4 }, [1, 2]);
        using var w2 = tensor(new float[] { 6, 8 }, [1, 2]);
        using var g1 = tensor(new float[] { 3, 0, 0, 1 }, [2, 2]);
        using var g2 = tensor(new float[] { 1, 0, 0, 1 }, [2, 2]);

        using var merged = RegMeanMethod.MergeLinear([w1, w2], [g1, g2], alpha: 0.9);

        Assert.Equal(new float[] { 3, 6 }, merged.data<float>().ToArray(), new FloatTolerance(1e-4f));
    }

    [Fact]
    public void Alpha_zero_drops_the_off_diagonal_entries_and_alpha_one_solves_the_full_regression()
    {
        using var w1 = tensor(new float[] { 2, 4 }, [1, 2]);
        using var w2 = tensor(new float[] { 6, 8 }, [1, 2]);
        using var g1 = tensor(new float[] { 3, 1, 1, 1 }, [2, 2]);
        using var g2 = tensor(new float[] { 1, 0, 0, 1 }, [2, 2]);

        using var diagonal = RegMeanMethod.MergeLinear([w1, w2], [g1, g2], alpha: 0);
        using var full = RegMeanMethod.MergeLinear([w1, w2], [g1, g2], alpha: 1);

        // α = 0: the diagonal case above, [3, 6].
        Assert.Equal(new float[] { 3, 6 }, diagonal.data<float>().ToArray(), new FloatTolerance(1e-4f));
        // α = 1: (G1 + G2) w = G1 w1 + G2 w2 with G1 + G2 = [[4, 1], [1, 2]], G1 w1 = [10, 6], G2 w2 = [6, 8]:
        // [[4, 1], [1, 2]] w = [16, 14] gives w = [18/7, 40/7].
        Assert.Equal(new float[] { 18f / 7, 40f / 7 }, full.data<float>().ToArray(), new FloatTolerance(1e-4f));
    }
}
