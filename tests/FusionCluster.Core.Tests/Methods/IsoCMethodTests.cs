using static FusionCluster.Core.Tests.Methods.MethodHarness;

namespace FusionCluster.Core.Tests.Methods;

public sealed class IsoCMethodTests
{
    [Fact]
    public void Iso_c_of_one_task_vector_keeps_its_singular_vectors_and_flattens_its_spectrum_to_the_mean()
    {
        // τ = 6·u1v1ᵀ + 2·u2v2ᵀ + 1·u3v3ᵀ (4×3) → mean σ = 3 → 3·Σ u_j·v_jᵀ.
        var u = SpectralCases.Basis(4, 3, 1);
        var v = SpectralCases.Basis(3, 3, 2);
        var b = Random(12, 3);
        var x = SpectralCases.Plus(b, SpectralCases.Compose([6, 2, 1], u, v));
        var expected = SpectralCases.Plus(b, SpectralCases.Compose([3, 3, 3], u, v));
        Close(expected, Run("iso_c", b, [new(x)], shape: [4, 3]));
    }

    [Fact]
    public void Iso_c_flattens_the_sum_of_the_task_vectors_and_applies_the_scaling_factor()
    {
        // Two task vectors summing to 4·u1v1ᵀ + 2·u2v2ᵀ (3×3, rank 2 plus a zero σ): mean σ = 2 over all three,
        // scaled by 1.5 → 3·(u1v1ᵀ + u2v2ᵀ + u3v3ᵀ). The zero direction u3v3ᵀ is fixed up to a common sign, which
        // U·Vᵀ does not depend on.
        var u = SpectralCases.Basis(3, 3, 4);
        var v = SpectralCases.Basis(3, 3, 5);
        var b = Random(9, 6);
        var x1 = SpectralCases.Plus(b, SpectralCases.Compose([3, 0.5], u, v));
        var x2 = SpectralCases.Plus(b, SpectralCases.Compose([1, 1.5], u, v));
        var expected = SpectralCases.Plus(b, SpectralCases.Compose([3, 3, 3], u, v));
        Close(expected, Run("iso_c", b, [new(x1), new(x2)], new() { ["scaling_factor"] = 1.5 }, shape: [3, 3]), 1e-4);
    }

    [Fact]
    public void Iso_c_takes_the_scaled_mean_task_vector_of_a_1d_tensor()
    {
        // mean([2, 0], [0, 4]) = [1, 2], ×1.5 → [1.5, 3] on base [1, 2].
        Close([2.5f, 5f], Run("iso_c", [1, 2], [new([3, 2]), new([1, 6])], new() { ["scaling_factor"] = 1.5 }));
    }
}
