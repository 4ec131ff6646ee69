using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace FusionCluster.Evaluation.Models;

/// <summary>
/// The TorchSharp module of a <see cref="ClassifierConfig"/>. Its parameters are named exactly as the
/// checkpoint's tensors (<c>layers.0.weight</c> ...), because the field holding them is called
/// <c>layers</c> and activations and pooling are functional, so they take no index.
/// Input: a float batch [N, channels * height * width] of pixels / 255. Output: logits [N, num_labels].
/// </summary>
public sealed class ClassifierNetwork : Module<Tensor, Tensor>
{
    // The field name is the tensor-name prefix; RegisterComponents picks it up by reflection.
    private readonly ModuleList<Module<Tensor, Tensor>> layers;
    private readonly ClassifierConfig config;

    public ClassifierNetwork(ClassifierConfig config)
        : base(config.ModelType)
    {
        this.config = config;
        var modules = new List<Module<Tensor, Tensor>>();
        long channels = config.Channels;
        foreach (var outChannels in config.ConvChannels)
        {
            modules.Add(Conv2d(channels, outChannels, ClassifierConfig.KernelSize, padding: ClassifierConfig.KernelSize / 2));
            channels = outChannels;
        }

        long features = config.FlattenedFeatures;
        foreach (var width in config.HiddenSizes.Append(config.NumLabels))
        {
            modules.Add(Linear(features, width));
            features = width;
        }

        layers = ModuleList(modules.ToArray());
        RegisterComponents();
    }

    public ClassifierConfig Config => config;

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = input;
        var convolutions = config.ConvChannels.Count;
        if (convolutions > 0)
        {
            x = x.view(-1, config.Channels, config.Height, config.Width);
            for (var i = 0; i < convolutions; i++)
            {
                x = functional.max_pool2d(functional.relu(layers[i].call(x)), 2);
            }

            x = x.flatten(1);
        }

        for (var i = convolutions; i < layers.Count; i++)
        {
            x = layers[i].call(x);
            if (i < layers.Count - 1)
            {
                x = functional.relu(x);
            }
        }

        return x.MoveToOuterDisposeScope();
    }
}
