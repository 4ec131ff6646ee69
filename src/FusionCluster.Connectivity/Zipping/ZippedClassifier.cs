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
            TorchConvolutionKernels.Apply();
            var pooled = functional.max_pool2d(functional.relu(functional.conv2d(x, layer.Weight, layer.Bias, padding: [ClassifierConfig.KernelSize / 2])), 2);
            return index == convolutions - 1 ? pooled.flatten(1) : pooled;
        }

        var linear = functional.linear(x, layer.Weight, layer.Bias);
        return index == convolutions + config.HiddenSizes.Count ? linear : functional.relu(linear);
    }

    /// <summary>
    /// The model as a checkpoint's tensors: fully zipped, an ordinary classifier of the inputs' widths; partially
    /// zipped, one with <c>zip_layers</c> = the trunk's length and both heads as its branches.
    /// </summary>
    public ClassifierWeights ToClassifier()
    {
        var shaped = heads.Count == 1 ? config with { ZipLayers = null } : config with { ZipLayers = trunk.Count };
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        void Add(string prefix, (Tensor Weight, Tensor Bias) layer)
        {
            tensors[$"{prefix}.weight"] = layer.Weight.clone();
            tensors[$"{prefix}.bias"] = layer.Bias.clone();
        }

        for (var layer = 0; layer < trunk.Count; layer++)
        {
            Add(shaped.LayerPrefix(layer, 0), trunk[layer]);
        }

        for (var branch = 0; branch < heads.Count; branch++)
        {
            for (var i = 0; i < heads[branch].Count; i++)
            {
                Add(shaped.LayerPrefix(trunk.Count + i, branch), heads[branch][i]);
            }
        }

        return new ClassifierWeights(shaped, tensors);
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
