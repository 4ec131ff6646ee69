using static FusionCluster.Core.Tests.Methods.MethodHarness;

namespace FusionCluster.Core.Tests.Methods;

public sealed class RamPlusTensorLocalMethodTests
{
    // Model 1 alone changes elements 0-9 by 1, both change element 10 (by 2 and 4), model 2 alone element 11 by 5.
    // Model 1: 1 shared, 10 unique → ρ = 0.1 → λ = 1 + 0.1·0.1 = 1.01.
    // Model 2: 1 shared, 1 unique → ρ = 1, clamped to alpha 0.2 → λ = 1 + 0.1·0.2 = 1.02.
    private static (float[] Base, TestModel[] Models, float[] Expected) Case()
    {
        var b = new float[12];
        var d1 = new double[12];
        var d2 = new double[12];
        for (var i = 0; i < 10; i++)
        {
            d1[i] = 1;
        }
        d1[10] = 2;
        d2[10] = 4;
        d2[11] = 5;
        var expected = new float[12];
        for (var i = 0; i < 10; i++)
        {
            expected[i] = 1.01f;
        }
        expected[10] = 3;
        expected[11] = 5.1f;
        return (b, [new(SpectralCases.Plus(b, d1)), new(SpectralCases.Plus(b, d2))], expected);
    }

    [Fact]
    public void Ramplus_tl_rescales_unique_deltas_by_each_models_clamped_shared_to_unique_ratio()
    {
        var (b, models, expected) = Case();
        Close(expected, Run("ramplus_tl", b, models));
    }

    [Fact]
    public void Ramplus_tl_ratio_is_over_the_whole_tensor_not_a_chunk()
    {
        // Chunks of 3 elements: a chunk-local ratio would give model 1 ρ = 0 in its first chunks.
        var (b, models, expected) = Case();
        Close(expected, Run("ramplus_tl", b, models, chunk: 3));
    }

    [Fact]
    public void Ramplus_tl_r_and_alpha_set_the_rescaling()
    {
        // r = 0.5, alpha = 10: λ1 = 1 + 0.5·0.1 = 1.05, λ2 = 1 + 0.5·1 = 1.5.
        var (b, models, expected) = Case();
        for (var i = 0; i < 10; i++)
        {
            expected[i] = 1.05f;
        }
        expected[11] = 7.5f;
        Close(expected, Run("ramplus_tl", b, models, new() { ["r"] = 0.5, ["alpha"] = 10 }));
    }

    [Fact]
    public void Ramplus_tl_model_without_unique_elements_gets_the_largest_factor()
    {
        // Model 2 only shares (ρ = 1/epsilon, clamped to 0.2); model 1: 1 shared, 1 unique (ρ = 1 → 0.2).
        // Element 0: 1 + 1.02·2 = 3.04; element 1: 1 + (2 + 4)/2 = 4.
        float[] b = [1, 1];
        Close([3.04f, 4f], Run("ramplus_tl", b, [new([3, 3]), new([1, 5])]));
    }
}
