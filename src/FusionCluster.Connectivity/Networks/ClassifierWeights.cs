using FusionCluster.Core.Formats;
using FusionCluster.Core.Storage;
using FusionCluster.Evaluation.Models;
using FusionCluster.Evaluation.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace FusionCluster.Connectivity.Networks;

/// <summary>
/// The parameters of a classifier as detached float32 tensors, keyed by checkpoint tensor name
/// (<c>layers.&lt;i&gt;.weight</c>, <c>layers.&lt;i&gt;.bias</c>). Paths, alignment and REPAIR work on these
/// directly instead of on modules, so a point on a path is just another set of tensors.
/// </summary>
public sealed class ClassifierWeights : IDisposable
{
    private readonly Dictionary<string, Tensor> tensors;

    public ClassifierWeights(ClassifierConfig config, IReadOnlyDictionary<string, Tensor> tensors)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(tensors);
        Config = config;
        this.tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, shape) in config.TensorShapes())
        {
            if (!tensors.TryGetValue(name, out var value))
            {
                throw new ArgumentException($"tensor '{name}' is missing", nameof(tensors));
            }

            if (!value.shape.SequenceEqual(shape))
            {
                throw new ArgumentException($"tensor '{name}' has shape [{string.Join(", ", value.shape)}], the config implies [{string.Join(", ", shape)}]", nameof(tensors));
            }

            this.tensors[name] = value;
        }
    }

    public ClassifierConfig Config { get; }

    /// <summary>Linear and convolution layers, the output layer included.</summary>
    public int LayerCount => Config.ConvChannels.Count + Config.HiddenSizes.Count + 1;

    /// <summary>Layers whose outputs are hidden units (every layer but the output layer).</summary>
    public int HiddenLayerCount => LayerCount - 1;

    public Tensor this[string name] => tensors[name];

    public Tensor Weight(int layer) => tensors[WeightName(layer)];

    public Tensor Bias(int layer) => tensors[BiasName(layer)];

    public static string WeightName(int layer) => $"layers.{layer}.weight";

    public static string BiasName(int layer) => $"layers.{layer}.bias";

    /// <summary>Reads a checkpoint folder (any float dtype) through the evaluation project's loader, which checks it.</summary>
    /// <param name="roots">Where the checkpoint's files may lie (<see cref="LocalRoots.Anywhere"/> for a command's own arguments).</param>
    public static ClassifierWeights Load(string folder, LocalRoots? roots = null)
    {
        using var network = ClassifierCheckpoint.Load(folder, roots);
        return FromNetwork(network);
    }

    /// <summary>Copies a network's parameters.</summary>
    public static ClassifierWeights FromNetwork(ClassifierNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        var copies = network.named_parameters().ToDictionary(p => p.name, p =>
        {
            using var detached = p.parameter.detach();
            return detached.clone();
        }, StringComparer.Ordinal);
        return new ClassifierWeights(network.Config, copies);
    }

    /// <summary>Writes a checkpoint folder that <c>fusion eval</c> and <c>fusion merge</c> read.</summary>
    public void Save(string folder)
    {
        using var network = ToNetwork();
        ClassifierCheckpoint.Save(folder, network);
    }

    /// <summary>A network holding copies of these parameters (dispose it).</summary>
    public ClassifierNetwork ToNetwork()
    {
        var network = new ClassifierNetwork(Config);
        using var noGrad = no_grad();
        foreach (var (name, parameter) in network.named_parameters())
        {
            parameter.copy_(tensors[name]);
        }

        network.eval();
        return network;
    }

    public ClassifierWeights Clone() => Map((_, t) => t.clone());

    /// <summary>A new set with <paramref name="transform"/> (of name and tensor) applied to every tensor; it must return a new tensor of the same shape.</summary>
    public ClassifierWeights Map(Func<string, Tensor, Tensor> transform)
    {
        ArgumentNullException.ThrowIfNull(transform);
        using var noGrad = no_grad();
        return new ClassifierWeights(Config, tensors.ToDictionary(p => p.Key, p => transform(p.Key, p.Value), StringComparer.Ordinal));
    }

    /// <summary>Σ coefficient · weights over the terms, tensor by tensor; all terms must share a config.</summary>
    public static ClassifierWeights Combine(IReadOnlyList<(ClassifierWeights Weights, double Coefficient)> terms)
    {
        ArgumentOutOfRangeException.ThrowIfZero(terms.Count);
        var config = terms[0].Weights.Config;
        using var noGrad = no_grad();
        var combined = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, _) in config.TensorShapes())
        {
            var sum = zeros_like(terms[0].Weights[name]);
            foreach (var (weights, coefficient) in terms)
            {
                using var alpha = coefficient.ToScalar();
                sum.add_(weights[name], alpha);
            }

            combined[name] = sum;
        }

        return new ClassifierWeights(config, combined);
    }

    /// <summary>(1 − α)·a + α·b.</summary>
    public static ClassifierWeights Interpolate(ClassifierWeights a, ClassifierWeights b, double alpha) =>
        Combine([(a, 1 - alpha), (b, alpha)]);

    /// <summary>Fails, naming both models, unless <paramref name="other"/> has the same architecture and widths.</summary>
    public void CheckSameShape(ClassifierWeights other, string name, string otherName)
    {
        var mine = Config.TensorShapes();
        var theirs = other.Config.TensorShapes();
        var same = Config.Architecture == other.Config.Architecture && Config.Height == other.Config.Height && Config.Width == other.Config.Width
            && mine.Count == theirs.Count && mine.Zip(theirs).All(p => p.First.Shape.SequenceEqual(p.Second.Shape));
        if (!same)
        {
            throw new CheckpointException($"{otherName}: its layers ({Describe(other.Config)}) differ from those of {name} ({Describe(Config)}); a path needs two models of one architecture");
        }
    }

    /// <summary>Refuses a model with a NaN or infinite weight, naming it and the tensor (<see cref="FiniteWeights"/>).</summary>
    public void CheckFinite(string name)
    {
        if (FiniteWeights.FirstNotFinite(Config.TensorShapes().Select(t => (t.Name, tensors[t.Name]))) is { } found)
        {
            throw new CheckpointException(FiniteWeights.DescribeEndpoint(name, found));
        }
    }

    public void Dispose()
    {
        foreach (var tensor in tensors.Values)
        {
            tensor.Dispose();
        }
    }

    private static string Describe(ClassifierConfig config) =>
        $"{config.ModelType}, input {config.Channels}x{config.Height}x{config.Width}, conv [{string.Join(",", config.ConvChannels)}], hidden [{string.Join(",", config.HiddenSizes)}], {config.NumLabels} labels";
}
