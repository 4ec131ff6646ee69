using FusionCluster.Core.Methods;
using static FusionCluster.Core.Tests.Methods.MethodHarness;

namespace FusionCluster.Core.Tests.Methods;

/// <summary>Fisher merging on hand-computed cases: θ = Σ (F_i + ε) θ_i / Σ (F_i + ε), element by element.</summary>
public sealed class FisherMergeMethodTests
{
    [Fact]
    public void Fisher_with_equal_Fishers_is_the_simple_average()
    {
        float[] fisher = [0.5f, 2, 7];
        Close([2, 3, -1], Run("fisher", null, [new([1, 2, 0], Statistics: fisher), new([3, 4, -2], Statistics: fisher)]));
    }

    [Fact]
    public void Each_element_is_weighted_by_its_Fisher_and_an_element_no_data_moves_is_averaged()
    {
        // Element 0: (1·1 + 3·3) / 4 = 2.5. Element 1: both Fishers 0, so only ε weighs: the average 2.
        Close([2.5f, 2], Run("fisher", null, [new([1, 4], Statistics: [1, 0]), new([3, 0], Statistics: [3, 0])]));
    }

    [Fact]
    public void A_model_without_a_Fisher_for_the_tensor_is_refused_naming_it()
    {
        var error = Assert.Throws<MergeMethodException>(() => Run("fisher", null, [new([1, 4], Statistics: [1, 0]), new([3, 0])]));
        Assert.Contains("model 'model1' has no Fisher", error.Message, StringComparison.Ordinal);
    }
}
