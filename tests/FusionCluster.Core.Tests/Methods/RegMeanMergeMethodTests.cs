using FusionCluster.Core.Methods;
using static FusionCluster.Core.Tests.Methods.MethodHarness;

namespace FusionCluster.Core.Tests.Methods;

/// <summary>RegMean's closed form on hand-computed cases: W^T = (Σ G̃_i)^-1 Σ G̃_i W_i^T with G̃ = α G + (1 - α) diag(G).</summary>
public sealed class RegMeanMergeMethodTests
{
    private static readonly float[] W1 = [1, 2, 3, 4];
    private static readonly float[] W2 = [5, 6, 7, 8];

    private static TestModel Linear(float[] weight, float[] gram) => new(weight, Statistics: gram, StatisticsShape: [2, 2]);

    private static float[] RegMean(TestModel[] models, double ratio, long[] shape) =>
        Run("regmean", null, models, new() { ["reduce_non_diagonal_ratio"] = ratio }, shape);

    [Fact]
    public void Regmean_with_identity_Gram_matrices_is_the_simple_average()
    {
        float[] identity = [1, 0, 0, 1];
        Close([3, 4, 5, 6], RegMean([Linear(W1, identity), Linear(W2, identity)], 0.9, [2, 2]));
    }

    [Fact]
    public void With_the_off_diagonal_ratio_at_zero_each_input_column_is_averaged_by_the_Gram_diagonals()
    {
        // Diagonals (3, 1) and (1, 3): column 0 = (3·W1 + W2) / 4, column 1 = (W1 + 3·W2) / 4.
        Close([2, 5, 4, 7], RegMean([Linear(W1, [3, 1, 1, 1]), Linear(W2, [1, 0.5f, 0.5f, 3])], 0, [2, 2]));
    }

    [Fact]
    public void The_full_Gram_matrices_give_the_least_squares_solution()
    {
        // G1 + G2 = [[3, 1], [1, 2]], inverse [[2, -1], [-1, 3]] / 5; G1·[1, 0] + G2·[0, 1] = [2, 2] → [0.4, 0.8].
        Close([0.4f, 0.8f], RegMean([new([1, 0], Statistics: [2, 1, 1, 1], StatisticsShape: [2, 2]), new([0, 1], Statistics: [1, 0, 0, 1], StatisticsShape: [2, 2])], 1, [1, 2]));
    }

    [Fact]
    public void One_model_keeps_its_own_weight()
    {
        Close(W1, RegMean([Linear(W1, [2, 1, 1, 2])], 0.9, [2, 2]));
    }

    [Fact]
    public void A_tensor_without_Gram_matrices_is_averaged()
    {
        Close([2, 5], Run("regmean", null, [new([1, 4]), new([3, 6])]));
    }

    [Fact]
    public void A_weight_only_some_models_have_a_Gram_matrix_for_is_refused_naming_the_tensor()
    {
        var error = Assert.Throws<MergeMethodException>(() => RegMean([Linear(W1, [1, 0, 0, 1]), new(W2)], 0.9, [2, 2]));
        Assert.Contains("tensor 'layers.0.weight'", error.Message, StringComparison.Ordinal);
        Assert.Contains("1 of 2 models", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_Gram_matrix_that_does_not_match_the_weight_is_refused_naming_the_model()
    {
        var error = Assert.Throws<MergeMethodException>(() => RegMean([Linear(W1, [1, 0, 0, 1]), new(W2, Statistics: [1, 0, 0, 0, 1, 0, 0, 0, 1], StatisticsShape: [3, 3])], 0.9, [2, 2]));
        Assert.Contains("model 'model1' has a Gram matrix [3, 3]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Regmean_declares_Gram_statistics_and_its_parameters()
    {
        var method = Assert.IsAssignableFrom<IStatisticsMergeMethod>(MergeMethodRegistry.Get("regmean"));
        Assert.Equal(StatisticsKinds.Gram, method.StatisticsKind);
        Assert.Equal(["reduce_non_diagonal_ratio", "samples"], method.Parameters.Select(p => p.Name));
    }
}
