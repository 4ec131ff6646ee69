using static FusionCluster.Core.Tests.Methods.MethodHarness;

namespace FusionCluster.Core.Tests.Methods;

public sealed class SphericalMethodTests
{
    private const float Half = 0.70710678f;

    [Fact]
    public void Karcher_of_identical_vectors_is_that_vector()
    {
        var x = Random(40, 30);
        Close(x, Run("karcher", null, [new(x), new(x), new(x)]));
    }

    [Fact]
    public void Karcher_of_orthogonal_vectors_is_scaled_midpoint()
    {
        // Midpoint direction [1,1]/√2 times mean norm 2.
        Close([1.4142136f, 1.4142136f], Run("karcher", null, [new([2, 0]), new([0, 2])]));
        // Norms 3 and 1: same direction, mean norm 2.
        Close([1.4142136f, 1.4142136f], Run("karcher", null, [new([3, 0]), new([0, 1])]));
    }

    [Fact]
    public void Karcher_ignores_weights_and_zero_vectors_only_scale()
    {
        // Zero vector is excluded from the direction but counts in the mean norm: (2 + 0) / 2 = 1.
        Close([1f, 0f], Run("karcher", null, [new([2, 0], W(5)), new([0, 0], W(1))]));
    }

    [Fact]
    public void Multislerp_of_one_model_is_that_model()
    {
        var x = Random(30, 31);
        Close(x, Run("multislerp", null, [new(x, W(0.4))]));
        Close(x, Run("multislerp", Random(30, 32), [new(x, W(0.4))]));
    }

    [Fact]
    public void Multislerp_orthogonal_equal_weights()
    {
        // Weighted mean of unit vectors points along [1,1]; tangent part is zero; mean norm 1.
        Close([Half, Half], Run("multislerp", null, [new([1, 0], W(1)), new([0, 1], W(1))]));
        // With a base, the same happens to the task vectors.
        Close([1 + Half, 1 + Half], Run("multislerp", [1, 1], [new([2, 1], W(1)), new([1, 2], W(1))]));
    }

    [Fact]
    public void Multislerp_antipodal_pair_falls_back_to_linear()
    {
        // Unit vectors [1,0] and [-1,0] with equal weights cancel → 0.5·[2,0] + 0.5·[-1,0] = [0.5, 0]
        // (the spherical path would give the mean norm 1.5 along [1,0]).
        Close([0.5f, 0f], Run("multislerp", null, [new([2, 0], W(1)), new([-1, 0], W(1))]));
    }

    [Fact]
    public void Nuslerp_flat_matches_slerp_of_orthogonal_vectors()
    {
        Close([Half, Half], Run("nuslerp", null, [new([1, 0], W(1)), new([0, 1], W(1))]));
        // t = w2/(w1+w2) = 1 → second model.
        Close([0f, 1f], Run("nuslerp", null, [new([1, 0], W(0)), new([0, 1], W(1))]));
        // With a base: slerp of task vectors, added back.
        Close([1 + Half, 1 + Half], Run("nuslerp", [1, 1], [new([2, 1], W(1)), new([1, 2], W(1))]));
    }

    [Fact]
    public void Nuslerp_per_row_and_per_column()
    {
        var global = new Dictionary<string, double> { ["nuslerp_flatten"] = 0 };
        // Rows: [1,0]/[0,1] are orthogonal → [h,h]; [1,0]/[2,0] are parallel → lerp [1.5, 0].
        Close([Half, Half, 1.5f, 0f],
            Run("nuslerp", null, [new([1, 0, 1, 0], W(1)), new([0, 1, 2, 0], W(1))], global, shape: [2, 2], chunk: 2));
        // Columns (vectors along dim 0): column 0 is [1,0]/[0,1], column 1 is [1,0]/[2,0].
        global["nuslerp_row_wise"] = 1;
        Close([Half, 1.5f, Half, 0f],
            Run("nuslerp", null, [new([1, 1, 0, 0], W(1)), new([0, 2, 1, 0], W(1))], global, shape: [2, 2], chunk: 3));
    }
}
