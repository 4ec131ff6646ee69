using FusionCluster.Connectivity.Networks;
using FusionCluster.Evaluation.Models;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace FusionCluster.Connectivity.Zipping;

/// <summary>
/// An MLP made by ZipIt!: a shared trunk of zipped hidden layers, then one head (everything zipped: an ordinary
/// classifier) or two (partial zipping: each model's remaining layers, reading the trunk's merged features through
/// its unmerge matrix), whose logits are averaged. Every layer is (weight [out, in], bias [out]) with ReLU between.
/// </summary>
public sealed class ZippedClassifier(ClassifierConfig config, IReadOnlyList<(Tensor Weight, Tensor Bias)> trunk, IReadOnlyList<IReadOnlyList<(Tensor Weight, Tensor Bias)>> heads) : IDisposable
{
    public ClassifierConfig Config => config;

    public IReadOnlyList<(Tensor Weight, Tensor Bias)> Trunk => trunk;

    public IReadOnlyList<IReadOnlyList<(Tensor Weight, Tensor Bias)>> Heads => heads;

    public Tensor Logits(Tensor inputs)
    {
        using var scope = NewDisposeScope();
        var x = inputs;
        foreach (var (weight, bias) in trunk)
        {
            x = functional.relu(functional.linear(x, weight, bias));
        }

        Tensor? sum = null;
        foreach (var head in heads)
        {
            var h = x;
            for (var i = 0; i < head.Count; i++)
            {
                h = functional.linear(h, head[i].Weight, head[i].Bias);
                if (i < head.Count - 1)
                {
                    h = functional.relu(h);
                }
            }

            sum = sum is null ? h : sum.add(h);
        }

        return sum!.div(heads.Count).MoveToOuterDisposeScope();
    }

    /// <summary>The fully zipped model as an ordinary classifier of the inputs' widths; null when partially zipped (two heads).</summary>
    public ClassifierWeights? ToClassifier()
    {
        if (heads.Count != 1)
        {
            return null;
        }

        var layers = trunk.Concat(heads[0]).ToList();
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        for (var layer = 0; layer < layers.Count; layer++)
        {
            tensors[ClassifierWeights.WeightName(layer)] = layers[layer].Weight.clone();
            tensors[ClassifierWeights.BiasName(layer)] = layers[layer].Bias.clone();
        }

        return new ClassifierWeights(config, tensors);
    }

    public void Dispose()
    {
        foreach (var (weight, bias) in trunk.Concat(heads.SelectMany(h => h)))
        {
            weight.Dispose();
            bias.Dispose();
        }
    }
}
