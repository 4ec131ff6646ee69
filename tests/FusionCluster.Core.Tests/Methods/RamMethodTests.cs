using static FusionCluster.Core.Tests.Methods.MethodHarness;

namespace FusionCluster.Core.Tests.Methods;

public sealed class RamMethodTests
{
    private static readonly float[] Base = [1, 1, 1, 1, 1];

    // Task vectors: element 0 only model 1 touches (unique), element 1 models 1 and 2 (shared), element 2 nobody,
    // element 3 a change of 1e-6 (at most epsilon = 1e-5: inactive), element 4 all three (shared).
    private static TestModel[] Models() =>
    [
        new(SpectralCases.Plus(Base, new double[] { 1, 2, 0, 1e-6, -3 })),
        new(SpectralCases.Plus(Base, new double[] { 0, 4, 0, 0, 3 })),
        new(SpectralCases.Plus(Base, new double[] { 0, 0, 0, 0, 6 })),
    ];

    [Fact]
    public void Ram_keeps_unique_deltas_averages_shared_ones_and_ignores_those_within_epsilon()
    {
        // 1 + [1, (2+4)/2, 0, 0, (-3+3+6)/3] = [2, 4, 1, 1, 3]; task arithmetic would give [2, 7, 1, 1.000001, 7].
        Close([2, 4, 1, 1, 3], Run("ram", Base, Models()));
    }

    [Fact]
    public void Ram_epsilon_decides_which_models_touch_an_element()
    {
        // epsilon 2.5: model 1's 1 and 2 fall out; element 1 becomes model 2's alone (4); element 4 keeps all three.
        Close([1, 5, 1, 1, 3], Run("ram", Base, Models(), new() { ["epsilon"] = 2.5 }));
    }

    [Fact]
    public void Ram_declares_mergekit_parameters_and_defaults()
    {
        var ram = Core.Methods.MergeMethodRegistry.Get("ram");
        Assert.Equal(["epsilon"], ram.Parameters.Select(p => p.Name));
        Assert.Equal(1e-5, ram.Parameters[0].Default);
        Assert.Equal(Core.Methods.BaseModelUse.Required, ram.BaseModel);
        var plus = Core.Methods.MergeMethodRegistry.Get("ramplus_tl");
        Assert.Equal(new Dictionary<string, double?> { ["r"] = 0.1, ["alpha"] = 0.2, ["epsilon"] = 1e-5 },
            plus.Parameters.ToDictionary(p => p.Name, p => p.Default));
    }
}
