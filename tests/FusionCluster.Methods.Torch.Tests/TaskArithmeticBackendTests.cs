using FusionCluster.Core.Methods;
using static FusionCluster.Methods.Torch.Tests.BackendHarness;

namespace FusionCluster.Methods.Torch.Tests;

public sealed class TaskArithmeticBackendTests
{
    [Fact]
    public void Hand_case_on_torch()
    {
        // δ1 = [1,-1,0], δ2 = [0,2,-2]; 0.5·δ1 + 1·δ2 = [0.5, 1.5, -2]; + base = [1.5, 2.5, -1].
        float[] b = [1, 1, 1];
        TestModel[] models = [new([2, 0, 1], W(0.5)), new([1, 3, -1], W(1))];
        Close([1.5f, 2.5f, -1f], Run("task_arithmetic", MergeDevices.TorchCpu, b, models), 0);
        Close([2f, 4f, -3f], Run("task_arithmetic", MergeDevices.TorchCpu, b, models, new() { ["lambda"] = 2 }), 0);
        // normalize divides by Σw = 1.5: [1 + 1/3, 2, 1 - 4/3].
        Close([1.3333333f, 2f, -0.3333333f], Run("task_arithmetic", MergeDevices.TorchCpu, b, models, new() { ["normalize"] = 1 }), 1e-6);
    }

    [Fact]
    public void Torch_agrees_with_the_csharp_kernel_on_random_inputs()
    {
        var b = Random(6208, 20);
        TestModel[] models = [new(Random(6208, 21), W(0.3)), new(Random(6208, 22), W(-0.5)), new(Random(6208, 23), W(0.9))];
        foreach (var (normalize, lambda) in new[] { (0.0, 1.0), (1.0, 1.0), (0.0, 0.6) })
        {
            var (cpu, torch) = Both("task_arithmetic", b, models, new() { ["normalize"] = normalize, ["lambda"] = lambda }, shape: [64, 97]);
            Close(cpu, torch);
        }
    }

    [Fact]
    public void Without_models_the_base_comes_through()
    {
        var b = Random(100, 24);
        Assert.Equal(b, Run("task_arithmetic", MergeDevices.TorchCpu, b, []));
    }

    [Fact]
    public void A_missing_base_is_the_same_error_as_on_the_cpu()
    {
        var e = Assert.Throws<MergeMethodException>(() => Run("task_arithmetic", MergeDevices.TorchCpu, null, [new([1, 2], W(1))]));
        Assert.Contains("layers.0.weight", e.Message);
        Assert.Contains("requires a base_model", e.Message);
    }
}
