using FusionCluster.Core.Methods;
using FusionCluster.Core.Methods.Kernels;
using static FusionCluster.Methods.Torch.Tests.BackendHarness;
using static TorchSharp.torch;

namespace FusionCluster.Methods.Torch.Tests;

public sealed class TiesBackendTests
{
    [Fact]
    public void Hand_case_keeps_largest_magnitudes_with_lowest_index_tie_break()
    {
        // density 0.5 of 4 → k = 2.
        Close([0f, -3f, 2f, 0f], Run("ties", MergeDevices.TorchCpu, [0, 0, 0, 0], [new([0.1f, -3, 2, 0.5f], Wd(1, 0.5))]), 0);
        // |δ| = 1,1,1,0.5: three ties at the threshold, the two lowest indices are kept.
        Close([1f, -1f, 0f, 0f], Run("ties", MergeDevices.TorchCpu, [0, 0, 0, 0], [new([1, -1, 1, 0.5f], Wd(1, 0.5))]), 0);
    }

    [Fact]
    public void Hand_case_sign_election_uses_weighted_deltas_and_a_tie_counts_as_positive()
    {
        // δ = 2, -1, -1.5 with w = 1, 0.5, 0.5: weighted vote 0.75 → +; only δ1 agrees: 2 / 1.
        Close([2f], Run("ties", MergeDevices.TorchCpu, [0], [new([2], W(1)), new([-1], W(0.5)), new([-1.5f], W(0.5))]), 0);
        // Votes +1 and -1 sum to 0 → +; only δ1 is kept: 1 / 1.
        Close([1f], Run("ties", MergeDevices.TorchCpu, [0], [new([1], W(1)), new([-1], W(1))]), 0);
    }

    [Fact]
    public void Torch_agrees_with_the_csharp_kernel_on_random_inputs()
    {
        var b = Random(6208, 30);
        TestModel[] models = [new(Random(6208, 31), Wd(0.3, 0.4)), new(Random(6208, 32), Wd(0.5, 0.6)), new(Random(6208, 33), Wd(0.9, 0.8))];
        foreach (var (normalize, rescale) in new[] { (1.0, 0.0), (0.0, 0.0), (1.0, 1.0) })
        {
            var (cpu, torch) = Both("ties", b, models, new() { ["normalize"] = normalize, ["rescale"] = rescale }, shape: [64, 97]);
            Close(cpu, torch);
        }
    }

    [Fact]
    public void Torch_drops_the_same_elements_as_the_csharp_kernel()
    {
        var x = Random(6208, 34);
        var (cpu, torch) = Both("ties", new float[x.Length], [new(x, Wd(1, 0.3))]);
        Assert.Equal((int)(0.3 * x.Length), x.Length - Zeros(cpu).Length);
        Assert.Equal(Zeros(cpu), Zeros(torch));
    }

    [Theory]
    [InlineData(0.3, false)]
    [InlineData(0.5, true)]
    [InlineData(0.9, true)]
    public void Kept_set_equals_the_csharp_top_k_selection_ties_included(double density, bool manyTies)
    {
        // With many ties the threshold value occurs far more often than the set has room for, so the
        // lowest-index rule decides which of them stay.
        var rng = new Random(35);
        var delta = Enumerable.Range(0, 10_000)
            .Select(_ => manyTies ? (float)(rng.Next(-4, 5) * 0.25) : (float)(rng.NextDouble() * 2 - 1))
            .ToArray();
        var k = (long)(density * delta.Length);

        using var scope = NewDisposeScope();
        var torchKeep = TorchMagnitudeMask.TopK(tensor(delta), k).data<bool>().ToArray();
        foreach (var chunk in new[] { 1 << 20, 777, 1 })
        {
            Assert.Equal(CSharpTopK(delta, k, chunk), torchKeep);
        }
    }

    [Fact]
    public void Density_keeping_nothing_is_the_same_error_as_on_the_cpu()
    {
        var e = Assert.Throws<MergeMethodException>(() => Run("ties", MergeDevices.TorchCpu, [0, 0, 0], [new([1, 2, 3], Wd(1, 0.2))]));
        var cpu = Assert.Throws<MergeMethodException>(() => Run("ties", MergeDevices.Cpu, [0, 0, 0], [new([1, 2, 3], Wd(1, 0.2))]));
        Assert.Equal(cpu.Message, e.Message);
    }

    private static bool[] CSharpTopK(float[] delta, long k, int chunk)
    {
        var plan = new ChunkPlan(delta.Length, chunk) { Parallel = false };
        var selection = TopKSelection.Select(plan, k, (start, keys) =>
        {
            for (var j = 0; j < keys.Length; j++)
            {
                keys[j] = SortKeys.Abs(delta[start + j]);
            }
        });
        var kept = new bool[delta.Length];
        for (var c = 0; c < plan.Count; c++)
        {
            var keys = new uint[plan.Length(c)];
            var inSet = new byte[keys.Length];
            for (var j = 0; j < keys.Length; j++)
            {
                keys[j] = SortKeys.Abs(delta[plan.Start(c) + j]);
            }

            selection.Mark(c, keys, inSet);
            for (var j = 0; j < keys.Length; j++)
            {
                kept[plan.Start(c) + j] = inSet[j] != 0;
            }
        }

        return kept;
    }
}
