using FusionCluster.Evaluation.Models;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace FusionCluster.Connectivity.Networks;

/// <summary>
/// The forward pass of <see cref="ClassifierNetwork"/> written with functional ops over any tensors, so that
/// curve points whose weights are themselves computed (and differentiated) need no module, and so that
/// hidden units can be observed. Layer order and conventions match ClassifierNetwork exactly: 3x3 convolutions
/// (padding 1), each followed by ReLU and 2x2 max-pooling, then linear layers with ReLU between them.
/// </summary>
public static class ClassifierForward
{
    /// <summary>
    /// Logits [N, labels] for inputs [N, pixels] (pixel / 255). <paramref name="observeHidden"/>, when given, is
    /// called for every hidden layer (all but the output layer) with the layer index, its pre-activation
    /// (linear output or convolution output, before ReLU and pooling) and its activation (after ReLU).
    /// </summary>
    public static Tensor Logits(ClassifierConfig config, Func<string, Tensor> tensor, Tensor inputs, Action<int, Tensor, Tensor>? observeHidden = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(tensor);
        var x = inputs;
        var layer = 0;
        if (config.ConvChannels.Count > 0)
        {
            TorchConvolutionKernels.Apply();
            x = x.view(-1, config.Channels, config.Height, config.Width);
            for (; layer < config.ConvChannels.Count; layer++)
            {
                var pre = functional.conv2d(x, tensor(ClassifierWeights.WeightName(layer)), tensor(ClassifierWeights.BiasName(layer)), padding: [ClassifierConfig.KernelSize / 2]);
                var activation = functional.relu(pre);
                observeHidden?.Invoke(layer, pre, activation);
                x = functional.max_pool2d(activation, 2);
            }

            x = x.flatten(1);
        }

        var layers = config.ConvChannels.Count + config.HiddenSizes.Count + 1;
        for (; layer < layers; layer++)
        {
            x = functional.linear(x, tensor(ClassifierWeights.WeightName(layer)), tensor(ClassifierWeights.BiasName(layer)));
            if (layer < layers - 1)
            {
                var activation = functional.relu(x);
                observeHidden?.Invoke(layer, x, activation);
                x = activation;
            }
        }

        return x;
    }

    public static Tensor Logits(ClassifierWeights weights, Tensor inputs, Action<int, Tensor, Tensor>? observeHidden = null) =>
        Logits(weights.Config, name => weights[name], inputs, observeHidden);

    /// <summary>
    /// A hidden layer's values as [samples, units]: a linear layer's as they are, a convolution's with every
    /// spatial position counted as a sample of its channel (the unit).
    /// </summary>
    public static Tensor AsUnitColumns(Tensor values) =>
        values.dim() == 2 ? values : values.permute(0, 2, 3, 1).reshape(-1, values.shape[1]);
}
