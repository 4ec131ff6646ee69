using FusionCluster.Core.Methods;
using static FusionCluster.Methods.Torch.Tests.BackendHarness;

namespace FusionCluster.Methods.Torch.Tests;

public sealed class SlerpBackendTests
{
    [Fact]
    public void Hand_case_orthogonal_unit_vectors_meet_halfway_on_the_arc()
    {
        // θ = π/2, t = 0.5: sin(π/4)/sin(π/2) = √½ for both.
        Close([0.70710678f, 0.70710678f], Run("slerp", MergeDevices.TorchCpu, [1, 0], [new([0, 1])], new() { ["t"] = 0.5 }));
    }

    [Fact]
    public void Hand_case_nearly_parallel_vectors_fall_back_to_lerp()
    {
        // cos ≈ 0.99995 > 0.9995: plain (1 - t)·a + t·c.
        Close([2.5f, 0.01f], Run("slerp", MergeDevices.TorchCpu, [2, 0], [new([3, 0.02f])], new() { ["t"] = 0.5 }));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.3)]
    [InlineData(0.75)]
    [InlineData(1.0)]
    public void Torch_agrees_with_the_csharp_kernel_on_random_inputs(double t)
    {
        var (cpu, torch) = Both("slerp", Random(6208, 10), [new(Random(6208, 11))], new() { ["t"] = t }, shape: [64, 97]);
        Close(cpu, torch);
    }

    [Fact]
    public void Torch_agrees_on_the_lerp_fallback()
    {
        var a = Random(5000, 12);
        var c = a.Select((v, i) => v + (i % 7 == 0 ? 1e-3f : 0)).ToArray();
        var (cpu, torch) = Both("slerp", a, [new(c)], new() { ["t"] = 0.4 });
        Close(cpu, torch);
    }
}
