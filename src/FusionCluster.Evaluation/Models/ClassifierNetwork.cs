using FusionCluster.Evaluation.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace FusionCluster.Evaluation.Models;

/// <summary>
/// The TorchSharp module of a <see cref="ClassifierConfig"/>. Its parameters are named exactly as the
/// checkpoint's tensors (<c>layers.0.weight</c> ...), because the field holding them is called
/// <c>layers</c> and activations and pooling are functional, so they take no index.
/// A partially zipped config adds <c>branches</c>: two <see cref="ClassifierBranch"/>es whose logits are averaged.
/// Input: a float batch [N, channels * height * width] of pixels / 255. Output: logits [N, num_labels].
/// </summary>
public sealed class ClassifierNetwork : Module<Tensor, Tensor>
{
    // The field name is the tensor-name prefix; RegisterComponents picks it up by reflection.
    private readonly ModuleList<Module<Tensor, Tensor>> layers;
    private readonly ModuleList<ClassifierBranch> branches;
    private readonly ClassifierConfig config;

    public ClassifierNetwork(ClassifierConfig config)
        : base(config.ModelType)
    {
        TorchConvolutionKernels.Apply();
        this.config = config;
        var modules = Build(config);
        layers = ModuleList(modules.Take(config.SharedLayers).ToArray());

        // A partially zipped classifier: each branch is a model's own copy of the layers after the shared ones
        // (the first branch takes the modules built above, the second fresh ones of the same shapes).
        var branchList = new List<ClassifierBranch>();
        if (config.ZipLayers is not null)
        {
            branchList.Add(new ClassifierBranch(modules.Skip(config.SharedLayers)));
            var second = Build(config);
            second.Take(config.SharedLayers).ToList().ForEach(m => m.Dispose());
            branchList.Add(new ClassifierBranch(second.Skip(config.SharedLayers)));
        }

        branches = ModuleList(branchList.ToArray());
        RegisterComponents();
    }

    public ClassifierConfig Config => config;

    /// <summary>Every layer of the unzipped classifier: the convolutions, then the linear layers.</summary>
    private static List<Module<Tensor, Tensor>> Build(ClassifierConfig config)
    {
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

        return modules;
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = config.ConvChannels.Count > 0 ? input.view(-1, config.Channels, config.Height, config.Width) : input;
        for (var i = 0; i < layers.Count; i++)
        {
            x = Layer(x, i, layers[i]);
        }

        if (branches.Count > 0)
        {
            // The branches' logits are averaged, as the in-process ZippedClassifier.Logits does (not checked against gstoica27/ZipIt's code).
            Tensor? sum = null;
            foreach (var branch in branches)
            {
                var h = x;
                for (var j = 0; j < branch.Layers.Count; j++)
                {
                    h = Layer(h, layers.Count + j, branch.Layers[j]);
                }

                sum = sum is null ? h : sum.add(h, HeldScalars.One);
            }

            using var count = ((double)branches.Count).ToScalar();
            x = sum!.div(count);
        }

        return x.MoveToOuterDisposeScope();
    }

    /// <summary>Layer <paramref name="index"/> of the unzipped classifier with what follows it: ReLU and pooling (a flatten after the last convolution), ReLU, or nothing after the logits.</summary>
    private Tensor Layer(Tensor x, int index, Module<Tensor, Tensor> layer)
    {
        var convolutions = config.ConvChannels.Count;
        if (index < convolutions)
        {
            var pooled = functional.max_pool2d(functional.relu(layer.call(x)), 2);
            return index == convolutions - 1 ? pooled.flatten(1) : pooled;
        }

        var output = layer.call(x);
        return index == config.LayerCount - 1 ? output : functional.relu(output);
    }
}
