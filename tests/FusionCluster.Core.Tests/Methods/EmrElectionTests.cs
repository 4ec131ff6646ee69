using FusionCluster.Core.Methods;
using static FusionCluster.Core.Tests.Methods.MethodHarness;

namespace FusionCluster.Core.Tests.Methods;

public sealed class EmrElectionTests
{
    [Fact]
    public void Emr_with_one_task_reconstructs_its_task_vector_exactly()
    {
        // One task: γ = sign(τ), τ_uni = τ where τ ≠ 0, M = [τ ≠ 0], λ = 1 over two tensors.
        float[] a = [0.5f, -2f, 0f, 3f];
        var b = Random(6, 1);
        var tensors = new[] { EmrElection.Elect([a]), EmrElection.Elect([b]) };
        var rescalers = EmrElection.Rescalers(tensors);
        Assert.Equal(1, rescalers[0], 12);
        Assert.Equal(a, EmrElection.TaskVector(tensors[0], 0, rescalers[0]));
        Assert.Equal(b, EmrElection.TaskVector(tensors[1], 0, rescalers[0]));
    }

    [Fact]
    public void Emr_elects_the_sign_of_the_sum_and_the_largest_agreeing_magnitude()
    {
        // τ1 = [1, -3, 2, 0], τ2 = [4, 1, -2, 0]: sums 5, -2, 0, 0 → γ = +, -, -, - (a zero sum counts as negative).
        // τ_uni = [4, -3, -2, 0]; M1 = [1, 1, 0, 0], M2 = [1, 0, 1, 0].
        // λ1 = mean|τ1| / mean|M1 τ_uni| = (6/4) / (7/4) = 6/7; λ2 = (7/4) / (6/4) = 7/6.
        var e = EmrElection.Elect([[1, -3, 2, 0], [4, 1, -2, 0]]);
        Assert.Equal([4f, -3f, -2f, 0f], e.Unified);
        Assert.Equal([true, true, false, false], e.Masks[0]);
        Assert.Equal([true, false, true, false], e.Masks[1]);
        var rescalers = EmrElection.Rescalers([e]);
        Assert.Equal(6.0 / 7, rescalers[0], 12);
        Assert.Equal(7.0 / 6, rescalers[1], 12);
        Close([24f / 7, -18f / 7, 0, 0], EmrElection.TaskVector(e, 0, rescalers[0]));
    }

    [Fact]
    public void Emr_rescaler_sums_the_means_over_every_tensor()
    {
        // Tensor A (2 elements): τ1 = [2, 0], τ2 = [-1, 1] → γ = [+, +], τ_uni = [2, 1], M1 = [1, 0], M2 = [0, 1].
        // Tensor B (1 element): τ1 = [1], τ2 = [3] → τ_uni = [3], both masks 1.
        // λ1 = (1 + 1) / (1 + 3) = 0.5; λ2 = (1 + 3) / (0.5 + 3) = 8/7.
        var rescalers = EmrElection.Rescalers([EmrElection.Elect([[2, 0], [-1, 1]]), EmrElection.Elect([[1], [3]])]);
        Assert.Equal(0.5, rescalers[0], 12);
        Assert.Equal(8.0 / 7, rescalers[1], 12);
    }
}
