using FusionCluster.Core.Methods;
using FusionCluster.Core.Methods.Kernels;
using static FusionCluster.Methods.Torch.Tests.BackendHarness;
using static TorchSharp.torch;

namespace FusionCluster.Methods.Torch.Tests;

public sealed class DareBackendTests
{
    [Fact]
    public void Keep_mask_is_exactly_the_csharp_draw()
    {
        const int n = 100_003;
        foreach (var (seed, density) in new[] { (7UL, 0.3), (8UL, 0.9), (123456789UL, 0.05) })
        {
            var stream = RandomKeepMask.StreamSeed(seed, 1);
            using var scope = NewDisposeScope();
            var torchKeep = TorchRandomMask.Draw(stream, density, n, CPU).data<bool>().ToArray();
            var expected = Enumerable.Range(0, n).Select(i => RandomKeepMask.Keeps(stream, density, i)).ToArray();
            Assert.Equal(expected, torchKeep);
        }
    }

    [Theory]
    [InlineData("dare_linear")]
    [InlineData("dare_ties")]
    public void Same_seed_drops_the_same_elements_on_both_backends(string method)
    {
        var x = Random(20_000, 40);
        var (cpu, torch) = Both(method, new float[x.Length], [new(x, Wd(1, 0.3))], seed: 9);
        Assert.Equal(Zeros(cpu), Zeros(torch));
        Assert.InRange(Zeros(cpu).Length, 14_000 - 260, 14_000 + 260);
        Assert.NotEqual(Zeros(cpu), Zeros(Run(method, MergeDevices.TorchCpu, new float[x.Length], [new(x, Wd(1, 0.3))], seed: 10)));
    }

    [Theory]
    [InlineData("dare_linear")]
    [InlineData("dare_ties")]
    public void Torch_agrees_with_the_csharp_kernel_on_random_inputs(string method)
    {
        var b = Random(6208, 41);
        TestModel[] models = [new(Random(6208, 42), Wd(0.3, 0.4)), new(Random(6208, 43), Wd(0.5, 0.6)), new(Random(6208, 44), Wd(0.9, 0.8))];
        foreach (var (normalize, rescale) in new[] { (0.0, 1.0), (1.0, 1.0), (0.0, 0.0) })
        {
            var (cpu, torch) = Both(method, b, models, new() { ["normalize"] = normalize, ["rescale"] = rescale }, shape: [64, 97], seed: 5);
            Close(cpu, torch);
        }
    }

    [Fact]
    public void Hand_case_drops_the_drawn_elements_and_rescales_to_the_full_l1_norm()
    {
        // Base 0, δ = x. Expected: x where kept, times Σ|x| / Σ|x kept| (weight 1), 0 where dropped.
        float[] x = [1, -2, 3, -4, 5, -6, 7, -8];
        const ulong seed = 3;
        var stream = RandomKeepMask.StreamSeed(seed, 0);
        var kept = Enumerable.Range(0, x.Length).Select(i => RandomKeepMask.Keeps(stream, 0.5, i)).ToArray();
        Assert.Contains(true, kept);
        Assert.Contains(false, kept);
        var scale = (float)(x.Sum(v => Math.Abs((double)v)) / x.Where((_, i) => kept[i]).Sum(v => Math.Abs((double)v)));
        var expected = x.Select((v, i) => kept[i] ? v * scale : 0f).ToArray();

        Close(expected, Run("dare_linear", MergeDevices.TorchCpu, new float[x.Length], [new(x, Wd(1, 0.5))], seed: seed), 1e-6);
        // Without rescaling the kept elements come through unchanged.
        Close(x.Select((v, i) => kept[i] ? v : 0f).ToArray(),
            Run("dare_linear", MergeDevices.TorchCpu, new float[x.Length], [new(x, Wd(1, 0.5))], new() { ["rescale"] = 0 }, seed: seed), 0);
    }
}
