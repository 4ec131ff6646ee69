using FusionCluster.Core.Methods;
using static FusionCluster.Core.Tests.Methods.MethodHarness;

namespace FusionCluster.Core.Tests.Methods;

public sealed class IsoCtsMethodTests
{
    [Fact]
    public void Iso_cts_with_the_whole_space_common_is_iso_c()
    {
        var b = Random(20, 1);
        TestModel[] models = [new(Random(20, 2)), new(Random(20, 3)), new(Random(20, 4))];
        var isoC = Run("iso_c", b, models, new() { ["scaling_factor"] = 1.3 }, shape: [5, 4]);
        var isoCts = Run("iso_cts", b, models, new() { ["scaling_factor"] = 1.3, ["common_space_fraction"] = 1 }, shape: [5, 4]);
        Close(isoC, isoCts, 1e-5);
    }

    [Fact]
    public void Iso_cts_fills_the_rest_with_each_tasks_directions_outside_the_common_space()
    {
        // 4×4, two tasks, fraction 0.5: 2 common directions, 1 per task.
        // τ1 = 6·e1f1ᵀ + 2·e2f2ᵀ, τ2 = 6·e1f1ᵀ + 3·e3f3ᵀ + 1·e4f4ᵀ; the sum's top two are e1 (12) and e3 (3);
        // without them τ1 keeps e2 (σ 2) and τ2 keeps e4 (σ 1). Spectrum [2, 1, 12, 3] → mean 4.5 on all four.
        var e = SpectralCases.Basis(4, 4, 7);
        var f = SpectralCases.Basis(4, 4, 8);
        var b = Random(16, 9);
        var x1 = SpectralCases.Plus(b, SpectralCases.Compose([6, 2], e, f));
        var x2 = SpectralCases.Plus(b, SpectralCases.Compose([6, 0, 3, 1], e, f));
        var expected = SpectralCases.Plus(b, SpectralCases.Compose([4.5, 4.5, 4.5, 4.5], e, f));
        Close(expected, Run("iso_cts", b, [new(x1), new(x2)], new() { ["common_space_fraction"] = 0.5 }, shape: [4, 4]), 1e-4);
    }

    [Theory]
    [InlineData(768, 0.8, 8, 616, 19)]   // ⌊614.4⌋ = 614, 154/8 = 19.25 → 19·8 = 152 → 616 common
    [InlineData(4, 0.25, 2, 0, 2)]       // 1 common, 3/2 = 1.5 rounds half to even → 2·2 = 4 → none common
    [InlineData(5, 0.0, 3, 2, 1)]        // 5/3 → 2·3 = 6 would pass k; one share fewer
    [InlineData(10, 1.0, 3, 10, 0)]
    public void Iso_cts_splits_the_directions_as_the_reference(int k, double fraction, int tasks, int common, int perTask)
    {
        Assert.Equal((common, perTask), IsoCtsMethod.Split(k, fraction, tasks));
    }

    [Fact]
    public void Iso_cts_takes_the_scaled_mean_task_vector_of_a_1d_tensor()
    {
        Close([2.5f, 5f], Run("iso_cts", [1, 2], [new([3, 2]), new([1, 6])], new() { ["scaling_factor"] = 1.5 }));
    }
}
