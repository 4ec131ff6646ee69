using static FusionCluster.Core.Tests.Methods.MethodHarness;

namespace FusionCluster.Core.Tests.Methods;

public sealed class SceAndFusionTests
{
    [Fact]
    public void Sce_of_one_model_is_that_model()
    {
        var b = Random(50, 40);
        var x = Random(50, 41);
        Close(x, Run("sce", b, [new(x)]));
    }

    [Fact]
    public void Sce_hand_case()
    {
        // δ1 = [1,2], δ2 = [3,-4]; mean squares 2.5 and 12.5 → ω = 1/6, 5/6.
        // Element 0: both +, (1/6·1 + 5/6·3) / 1 = 8/3. Element 1: vote -2 → only δ2: -4.
        Close([8f / 3, -4f], Run("sce", [0, 0], [new([1, 2]), new([3, -4])]));
    }

    [Fact]
    public void Sce_with_a_nan_delta_keeps_nothing_at_that_element_instead_of_throwing()
    {
        // Element 0 votes NaN; as in torch, sign(δ) == sign(NaN) holds for no model, so nothing is kept and the base
        // (0) stays. Math.Sign used to throw on the NaN here.
        var merged = Run("sce", [0, 0], [new([float.NaN, 2]), new([3, -4])]);
        Assert.Equal(0f, merged[0]);
    }

    [Fact]
    public void Sce_select_topk_keeps_highest_variance_positions()
    {
        // Variances across models: 1, 9, 0.0625 (all non-zero) → k = int(3·0.34) = 1 → element 1 only.
        // Masked δ1 = [0,2,0], δ2 = [0,-4,0]: vote -2 → δ2 only → -4.
        Close([0f, -4f, 0f], Run("sce", [0, 0, 0], [new([1, 2, 0]), new([3, -4, 0.5f])],
            new() { ["select_topk"] = 0.34 }));
    }

    [Fact]
    public void Arcee_fusion_takes_only_outlier_importance()
    {
        // One row: importance ∝ |x - a| = 0.01..0.07, 1.0. Sorted quantiles (n = 8): Q.25 = s[1] = 0.02,
        // Q.5 = s[3] = 0.04, Q.75 = s[5] = 0.06 → threshold ∝ 0.04 + 1.5·0.04 = 0.1: only the last element.
        float[] a = new float[8];
        float[] x = [0.01f, 0.02f, 0.03f, 0.04f, 0.05f, 0.06f, 0.07f, 1f];
        Close([0, 0, 0, 0, 0, 0, 0, 1f], Run("arcee_fusion", a, [new(x)], shape: [1, 8]));
    }

    [Fact]
    public void Arcee_fusion_output_is_elementwise_base_or_other_and_chunking_invariant()
    {
        var a = Random(600, 42);
        var x = Random(600, 43);
        var result = Run("arcee_fusion", a, [new(x)], shape: [20, 30]);
        Assert.All(Enumerable.Range(0, 600), i => Assert.True(result[i] == a[i] || result[i] == x[i]));
        Assert.Contains(Enumerable.Range(0, 600), i => result[i] == x[i] && x[i] != a[i]);
        Assert.Contains(Enumerable.Range(0, 600), i => result[i] == a[i] && x[i] != a[i]);
        Assert.Equal(result, Run("arcee_fusion", a, [new(x)], shape: [20, 30], chunk: 60));
    }
}
