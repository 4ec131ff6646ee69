using FusionCluster.Evaluation.Datasets;
using FusionCluster.Evaluation.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace FusionCluster.Evaluation.MultiTask;

/// <summary>
/// The benchmark's model written as functions of its tensors, so that training, merging (AdaMerging's
/// coefficients) and evaluation all use one forward pass: a backbone of linear layers <c>layers.&lt;i&gt;.weight</c>
/// / <c>.bias</c>, each followed by ReLU, and a task head <c>head.weight</c> / <c>head.bias</c> giving 10 logits.
/// Inputs are pixel / 255, flattened.
/// </summary>
public static class MultiTaskNetwork
{
    public const string HeadWeight = "head.weight";
    public const string HeadBias = "head.bias";
    public const int Classes = 10;

    public static string Weight(int layer) => $"layers.{layer}.weight";

    public static string Bias(int layer) => $"layers.{layer}.bias";

    /// <summary>Names of the backbone's tensors in file order.</summary>
    public static IReadOnlyList<string> BackboneNames(int layers) =>
        Enumerable.Range(0, layers).SelectMany(l => new[] { Weight(l), Bias(l) }).ToList();

    public static int LayerCount(NamedTensors backbone) => backbone.Names.Count(n => n.EndsWith(".weight", StringComparison.Ordinal) && n.StartsWith("layers.", StringComparison.Ordinal));

    /// <summary>Features after the last backbone layer.</summary>
    public static Tensor Features(Func<string, Tensor> parameter, int layers, Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = input;
        for (var l = 0; l < layers; l++)
        {
            x = nn.functional.relu(nn.functional.linear(x, parameter(Weight(l)), parameter(Bias(l))));
        }

        return x.MoveToOuterDisposeScope();
    }

    /// <summary>Inputs of each backbone linear layer (the pixels, then each hidden activation): what RegMean's Gram matrices are made of.</summary>
    public static IReadOnlyList<Tensor> LayerInputs(NamedTensors backbone, Tensor input)
    {
        var layers = LayerCount(backbone);
        var inputs = new List<Tensor>();
        using var noGrad = no_grad();
        var x = input.alias();
        for (var l = 0; l < layers; l++)
        {
            inputs.Add(x);
            using var linear = nn.functional.linear(x, backbone[Weight(l)], backbone[Bias(l)]);
            x = nn.functional.relu(linear);
        }

        x.Dispose();
        return inputs;
    }

    public static Tensor Logits(Func<string, Tensor> parameter, int layers, Tensor headWeight, Tensor headBias, Tensor input)
    {
        using var features = Features(parameter, layers, input);
        return nn.functional.linear(features, headWeight, headBias);
    }

    public static Tensor Logits(NamedTensors backbone, NamedTensors head, Tensor input) =>
        Logits(n => backbone[n], LayerCount(backbone), head[HeadWeight], head[HeadBias], input);

    /// <summary>A backbone with torch's default initialisation (uniform ±1/√fan_in), drawn from the seeded generator.</summary>
    public static NamedTensors InitialBackbone(int inputSize, IReadOnlyList<int> hiddenSizes, DeterministicRandom random)
    {
        var backbone = new NamedTensors();
        var fanIn = inputSize;
        for (var l = 0; l < hiddenSizes.Count; l++)
        {
            backbone.Add(Weight(l), Uniform([hiddenSizes[l], fanIn], fanIn, random));
            backbone.Add(Bias(l), Uniform([hiddenSizes[l]], fanIn, random));
            fanIn = hiddenSizes[l];
        }

        return backbone;
    }

    /// <summary>A fresh head for <paramref name="classes"/> outputs on <paramref name="features"/> inputs.</summary>
    public static NamedTensors InitialHead(int features, int classes, DeterministicRandom random)
    {
        var head = new NamedTensors();
        head.Add(HeadWeight, Uniform([classes, features], features, random));
        head.Add(HeadBias, Uniform([classes], features, random));
        return head;
    }

    /// <summary>The chosen samples as float [n, pixels] of pixel / 255.</summary>
    public static Tensor Inputs(ImageDataset data, IReadOnlyList<int> indices)
    {
        var size = data.SampleSize;
        var values = new float[(long)indices.Count * size];
        for (var s = 0; s < indices.Count; s++)
        {
            var image = data.Image(indices[s]);
            for (var p = 0; p < size; p++)
            {
                values[(s * size) + p] = image[p] / 255f;
            }
        }

        return tensor(values, [indices.Count, size]);
    }

    public static Tensor Labels(ImageDataset data, IReadOnlyList<int> indices) =>
        tensor(indices.Select(i => (long)data.Label(i)).ToArray());

    private static Tensor Uniform(long[] shape, int fanIn, DeterministicRandom random)
    {
        var bound = 1.0 / Math.Sqrt(fanIn);
        var values = new float[shape.Aggregate(1L, (a, b) => a * b)];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (float)(((2 * random.NextDouble()) - 1) * bound);
        }

        return tensor(values, shape);
    }
}
