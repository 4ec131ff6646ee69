using static FusionCluster.Core.Tests.Methods.MethodHarness;

namespace FusionCluster.Core.Tests.Methods;

public sealed class TsvMergeMethodTests
{
    [Fact]
    public void Tsv_m_of_one_task_at_full_rank_is_task_arithmetic()
    {
        var b = Random(15, 1);
        var x = Random(15, 2);
        Close(x, Run("tsv_m", b, [new(x)], shape: [5, 3]));
    }

    [Fact]
    public void Tsv_m_keeps_each_tasks_top_share_of_singular_directions()
    {
        // 4×4, two tasks → the top 2 triplets of each. τ1 = 5·e1f1ᵀ + 3·e2f2ᵀ + 1·e3f3ᵀ loses its third;
        // τ2 = 4·e3f4ᵀ + 2·e4f3ᵀ keeps both. The kept vectors are already orthonormal, so decorrelation
        // leaves them: 5·e1f1ᵀ + 3·e2f2ᵀ + 4·e3f4ᵀ + 2·e4f3ᵀ (task arithmetic would also add e3f3ᵀ).
        var e = SpectralCases.Basis(4, 4, 3);
        var f = SpectralCases.Basis(4, 4, 4);
        var b = Random(16, 5);
        var x1 = SpectralCases.Plus(b, SpectralCases.Compose([5, 3, 1], e, f));
        var x2 = SpectralCases.Plus(b, SpectralCases.Compose([4, 2], [e[2], e[3]], [f[3], f[2]]));
        var expected = SpectralCases.Plus(b, SpectralCases.Compose([5, 3, 4, 2], e, [f[0], f[1], f[3], f[2]]));
        Close(expected, Run("tsv_m", b, [new(x1), new(x2)], shape: [4, 4]), 1e-4);
    }

    [Fact]
    public void Tsv_m_decorrelates_overlapping_singular_vectors()
    {
        // Both tasks are rank one along nearly the same left vector: stacked U = [u, u'] is not orthonormal, and its
        // polar factor is. The merged τ then has two singular values equal to the kept ones (5 and 3), and each
        // left singular vector is orthogonal to the other.
        var u = SpectralCases.Basis(3, 2, 6);
        var v = SpectralCases.Basis(3, 2, 7);
        var near = u[0].Zip(u[1], (a, c) => 0.8 * a + 0.6 * c).ToArray();
        var b = new float[9];
        var x1 = SpectralCases.Plus(b, SpectralCases.Compose([5], [u[0]], [v[0]]));
        var x2 = SpectralCases.Plus(b, SpectralCases.Compose([3], [near], [v[1]]));
        var merged = Run("tsv_m", b, [new(x1), new(x2)], shape: [3, 3]);
        // v1 ⟂ v2, so ‖τ‖_F² = 5² + 3² either way.
        var frobenius = merged.Sum(x => (double)x * x);
        Assert.Equal(34, frobenius, 3);
        // τ·v1 = 5·q1 and τ·v2 = 3·q2 with q1 ⟂ q2: their dot product is 0 (without decorrelation, 5·3·0.8 = 12).
        double[] Apply(double[] w) => Enumerable.Range(0, 3).Select(r => Enumerable.Range(0, 3).Sum(c => merged[r * 3 + c] * w[c])).ToArray();
        var a1 = Apply(v[0]);
        var a2 = Apply(v[1]);
        Assert.Equal(0, a1.Zip(a2, (p, q) => p * q).Sum(), 4);
        Assert.Equal(25, a1.Sum(p => p * p), 3);
        Assert.Equal(9, a2.Sum(p => p * p), 3);
    }

    [Fact]
    public void Tsv_m_takes_the_scaled_mean_task_vector_of_a_1d_tensor()
    {
        Close([1.5f, 3f], Run("tsv_m", [1, 2], [new([3, 2]), new([1, 6])], new() { ["alpha"] = 0.5 }));
    }
}
