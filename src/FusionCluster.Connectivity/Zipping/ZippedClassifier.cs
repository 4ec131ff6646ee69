using FusionCluster.Connectivity.Networks;
using FusionCluster.Evaluation.Models;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace FusionCluster.Connectivity.Zipping;

/// <summary>
/// A classifier made by ZipIt!: a shared trunk of zipped hidden layers, then one head (everything zipped: an
/// ordinary classifier) or two (partial zipping: each model's remaining layers, reading the trunk's merged features
/// through its unmerge matrix), whose logits are averaged. Layers run as <see cref="ClassifierForward"/> runs them:
/// convolutions (ReLU, 2×2 max-pooling; a flatten after the last), then linear layers with ReLU between.
/// </summary>
public sealed class ZippedClassifier(ClassifierConfig config, IReadOnlyList<(Tensor Weight, Tensor Bias)> trunk, IReadOnlyList<IReadOnlyList<(Tensor Weight, Tensor Bias)>> heads) : IDisposable
{
    public ClassifierConfig Config => config;

    public IReadOnlyList<(Tensor Weight, Tensor Bias)> Trunk => trunk;

    public IReadOnlyList<IReadOnlyList<(Tensor Weight, Tensor Bias)>> Heads => heads;

    public Tensor Logits(Tensor inputs)
    {
        using var scope = NewDisposeScope();
        var x = config.ConvChannels.Count > 0 ? inputs.view(-1, config.Channels, config.Height, config.Width) : inputs;
        for (var layer = 0; layer < trunk.Count; layer++)
        {
            x = Layer(x, layer, trunk[layer]);
        }

        Tensor? sum = null;
        foreach (var head in heads)
        {
            var h = x;
            for (var i = 0; i < head.Count; i++)
            {
                h = Layer(h, trunk.Count + i, head[i]);
            }

            sum = sum is null ? h : sum.add(h);
        }

        return sum!.div(heads.Count).MoveToOuterDisposeScope();
    }

    /// <summary>Layer <paramref name="index"/> of the classifier, with what follows it (ReLU, pooling, the flatten; nothing after the logits).</summary>
    private Tensor Layer(Tensor x, int index, (Tensor Weight, Tensor Bias) layer)
    {
        var convolutions = config.ConvChannels.Count;
        if (index < convolutions)
        {
            var pooled = functional.max_pool2d(functional.relu(functional.conv2d(x, layer.Weight, layer.Bias, padding: [ClassifierConfig.KernelSize / 2])), 2);
            return index == convolutions - 1 ? pooled.flatten(1) : pooled;
        }

        var linear = functional.linear(x, layer.Weight, layer.Bias);
        return index == convolutions + config.HiddenSizes.Count ? linear : functional.relu(linear);
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
