using FusionCluster.Core.Methods;
using static FusionCluster.Core.Tests.Methods.MethodHarness;

namespace FusionCluster.Core.Tests.Methods;

public sealed class RegistryAndSimpleMethodTests
{
    [Fact]
    public void Registry_knows_all_methods()
    {
        string[] expected =
        [
            "linear", "slerp", "nuslerp", "multislerp", "karcher", "task_arithmetic", "ties", "dare_ties",
            "dare_linear", "breadcrumbs", "breadcrumbs_ties", "della", "della_linear", "sce", "model_stock",
            "nearswap", "arcee_fusion", "passthrough",
            "ram", "ramplus_tl", "tsv_m", "iso_c", "iso_cts", "wudi", "regmean", "fisher", "emr", "regmean_plus_plus", "adamerging",
        ];
        Assert.Equal(expected.Order(), MergeMethodRegistry.Names.Order());
        foreach (var name in expected)
        {
            Assert.Equal(name, MergeMethodRegistry.Get(name).Name);
        }
    }

    [Fact]
    public void Registry_rejects_unknown_name_listing_known_ones()
    {
        var e = Assert.Throws<MergeMethodException>(() => MergeMethodRegistry.Get("frankenmerge"));
        Assert.Contains("frankenmerge", e.Message);
        Assert.Contains("slerp", e.Message);
        Assert.Contains("dare_ties", e.Message);
    }

    [Fact]
    public void Gta_defaults_follow_mergekit_table()
    {
        static double Default(string method, string parameter) =>
            MergeMethodRegistry.Get(method).Parameters.Single(p => p.Name == parameter).Default!.Value;
        Assert.Equal(1, Default("ties", "normalize"));
        Assert.Equal(0, Default("ties", "rescale"));
        Assert.Equal(1, Default("dare_ties", "rescale"));
        Assert.Equal(0, Default("dare_ties", "normalize"));
        Assert.Equal(1, Default("della", "normalize"));
        Assert.Equal(0.15, Default("della_linear", "epsilon"));
        Assert.Equal(0.01, Default("breadcrumbs_ties", "gamma"));
        Assert.True(MergeMethodRegistry.Get("ties").Parameters.Single(p => p.Name == "weight").Required);
    }

    [Fact]
    public void Linear_of_one_model_is_that_model()
    {
        var x = Random(100, 1);
        Assert.Equal(x, Run("linear", null, [new(x, W(0.3))]));
    }

    [Fact]
    public void Linear_normalize_gives_weighted_mean()
    {
        // (1·[1,2] + 3·[3,6]) / 4 = [2.5, 5]; without normalize: [10, 20].
        TestModel[] models = [new([1, 2], W(1)), new([3, 6], W(3))];
        Close([2.5f, 5f], Run("linear", null, models));
        Close([10f, 20f], Run("linear", null, models, new() { ["normalize"] = 0 }));
    }

    [Fact]
    public void Linear_missing_weight_names_tensor_model_and_parameter()
    {
        var e = Assert.Throws<MergeMethodException>(() => Run("linear", null, [new([1f, 2f])]));
        Assert.Contains("layers.0.weight", e.Message);
        Assert.Contains("model0", e.Message);
        Assert.Contains("weight", e.Message);
    }

    [Fact]
    public void Passthrough_applies_scale()
    {
        Close([0.5f, -1f], Run("passthrough", null, [new([1, -2], new() { ["scale"] = 0.5 })]));
        Close([1f, -2f], Run("passthrough", null, [new([1, -2])]));
    }

    [Fact]
    public void Nearswap_hand_case()
    {
        // |b - x| = 0.25, 1, 2 → w = clamp(0.5/|b-x|, 0, 1) = 1, 0.5, 0.25 → w·x = 0.25, 0.5, -0.5.
        Close([0.25f, 0.5f, -0.5f], Run("nearswap", [0, 0, 0], [new([0.25f, 1, -2])], new() { ["t"] = 0.5 }));
    }

    [Fact]
    public void Slerp_endpoints_are_base_and_other()
    {
        var a = Random(50, 2);
        var c = Random(50, 3);
        Close(a, Run("slerp", a, [new(c)], new() { ["t"] = 0 }));
        Close(c, Run("slerp", a, [new(c)], new() { ["t"] = 1 }));
    }

    [Fact]
    public void Slerp_midpoint_of_orthogonal_vectors()
    {
        // θ = π/2: s0 = s1 = sin(π/4) = 0.7071068, applied to the unnormalised [2,0] and [0,3].
        Close([0.7071068f, 0.7071068f], Run("slerp", [1, 0], [new([0, 1])], new() { ["t"] = 0.5 }));
        Close([1.4142136f, 2.1213203f], Run("slerp", [2, 0], [new([0, 3])], new() { ["t"] = 0.5 }));
    }

    [Fact]
    public void Slerp_near_parallel_falls_back_to_lerp()
    {
        // cos = 1/sqrt(1.0001) ≈ 0.99995 > 0.9995 → 0.7·[1,0] + 0.3·[1,0.01] = [1, 0.003].
        Close([1f, 0.003f], Run("slerp", [1, 0], [new([1, 0.01f])], new() { ["t"] = 0.3 }), 1e-7);
    }

    [Fact]
    public void Model_stock_of_identical_finetunes_is_that_finetune()
    {
        var b = Random(64, 4);
        var x = Random(64, 5);
        Close(x, Run("model_stock", b, [new(x), new(x), new(x)]));
    }

    [Fact]
    public void Model_stock_hand_cases()
    {
        // Orthogonal deltas: cos = 0 → t = 0 → base.
        Close([1f, 1f], Run("model_stock", [1, 1], [new([2, 1]), new([1, 2])]));
        // Deltas [1,0] and [1,1]: cos = 1/√2, t = 2cos/(1+cos) = 0.8284271; mean delta [1, 0.5].
        Close([1.8284271f, 1.4142136f], Run("model_stock", [1, 1], [new([2, 1]), new([2, 2])]));
    }

    [Fact]
    public void Model_stock_filter_wise_works_per_row()
    {
        // Row 0 has orthogonal deltas (→ base row), row 1 the 45° case above.
        float[] b = [1, 1, 1, 1];
        var result = Run("model_stock", b, [new([2, 1, 2, 1]), new([1, 2, 2, 2])],
            new() { ["filter_wise"] = 1 }, shape: [2, 2], chunk: 2);
        Close([1f, 1f, 1.8284271f, 1.4142136f], result);
    }
}
