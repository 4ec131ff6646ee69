using FusionCluster.Evaluation.DataAware;
using FusionCluster.Evaluation.Models;
using FusionCluster.Evaluation.MultiTask;
using FusionCluster.Evaluation.Tests.Support;
using static TorchSharp.torch;

namespace FusionCluster.Evaluation.Tests.DataAware;

[Collection(TorchCollection.Name)]
public sealed class AdaMergingMethodTests
{
    [Fact]
    public void Adamerging_learned_coefficients_reduce_the_entropy_it_minimises()
    {
        var random = new DeterministicRandom(7);
        using var pretrained = MultiTaskNetwork.InitialBackbone(16, [12, 8], random);
        using var a = Perturbed(pretrained, random);
        using var b = Perturbed(pretrained, random);
        using var headA = MultiTaskNetwork.InitialHead(8, 10, random);
        using var headB = MultiTaskNetwork.InitialHead(8, 10, random);
        using var inputsA = Uniform([64, 16], random);
        using var inputsB = Uniform([64, 16], random);
        var initial = new double[2, pretrained.Count];
        for (var i = 0; i < 2; i++)
        {
            for (var k = 0; k < pretrained.Count; k++)
            {
                initial[i, k] = AdaMergingMethod.InitialCoefficient;
            }
        }

        var learned = AdaMergingMethod.Learn(pretrained, [a, b], [headA, headB], [inputsA, inputsB], steps: 60, batch: 64, learningRate: 1e-2, seed: 3, TestContext.Current.CancellationToken);

        var before = AdaMergingMethod.Entropy(pretrained, [a, b], [headA, headB], [inputsA, inputsB], initial);
        var after = AdaMergingMethod.Entropy(pretrained, [a, b], [headA, headB], [inputsA, inputsB], learned);
        Assert.True(after < before - 1e-3, $"entropy {before} at λ = 0.3 became {after} with the learned coefficients");
        Assert.All(learned.Cast<double>(), l => Assert.InRange(l, 0, 1));
    }

    private static NamedTensors Perturbed(NamedTensors source, DeterministicRandom random)
    {
        var result = new NamedTensors();
        foreach (var (name, value) in source.Entries)
        {
            using var noise = Uniform(value.shape, random);
            result.Add(name, value + noise);
        }

        return result;
    }

    private static Tensor Uniform(long[] shape, DeterministicRandom random)
    {
        var values = new float[shape.Aggregate(1L, (x, y) => x * y)];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (float)((2 * random.NextDouble()) - 1);
        }

        return tensor(values, shape);
    }
}
