using FusionCluster.Core.Methods;
using static FusionCluster.Methods.Torch.Tests.BackendHarness;

namespace FusionCluster.Methods.Torch.Tests;

public sealed class LinearBackendTests
{
    [Fact]
    public void Hand_case_on_torch()
    {
        // 1·[1, 2, 3] + 3·[5, 6, -1] = [16, 20, 0]; normalized by Σw = 4: [4, 5, 0].
        TestModel[] models = [new([1, 2, 3], W(1)), new([5, 6, -1], W(3))];
        Close([4f, 5f, 0f], Run("linear", MergeDevices.TorchCpu, null, models), 0);
        Close([16f, 20f, 0f], Run("linear", MergeDevices.TorchCpu, null, models, new() { ["normalize"] = 0 }), 0);
    }

    [Fact]
    public void Torch_agrees_with_the_csharp_kernel_on_random_inputs()
    {
        TestModel[] models = [new(Random(6208, 1), W(0.3)), new(Random(6208, 2), W(0.5)), new(Random(6208, 3), W(0.9))];
        foreach (var normalize in new[] { 0.0, 1.0 })
        {
            var (cpu, torch) = Both("linear", null, models, new() { ["normalize"] = normalize }, shape: [64, 97]);
            Close(cpu, torch);
        }
    }

    [Fact]
    public void Tensors_larger_than_one_staging_chunk_round_trip_in_order()
    {
        // More than TorchTransfer.StagingElements elements, and not a multiple of it.
        var n = TorchTransfer.StagingElements + 12345;
        TestModel[] models = [new(Random(n, 4), W(0.25)), new(Random(n, 5), W(0.75))];
        var (cpu, torch) = Both("linear", null, models);
        Close(cpu, torch);
    }
}
