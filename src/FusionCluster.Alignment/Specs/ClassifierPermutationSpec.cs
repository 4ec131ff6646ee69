using System.Globalization;

namespace FusionCluster.Alignment.Specs;

/// <summary>
/// The permutation spec of the classifiers <c>fusion train</c> makes (model_type fusion-mnist-mlp or
/// fusion-mnist-cnn): tensors <c>layers.i.weight</c> and <c>layers.i.bias</c>, convolutions
/// [out, in, k, k] first, then linear layers [out, in]. Each layer but the last (the logits) gets a group
/// of its output units: its weight's and bias's axis 0 and the next layer's input axis. The last
/// convolution feeds the first linear layer through a channel-major flatten, so there each channel is a
/// block of height × width inputs. Derived from the shapes, so it fits any widths.
/// </summary>
public static class ClassifierPermutationSpec
{
    public static PermutationSpec Derive(IReadOnlyDictionary<string, long[]> shapes, string model)
    {
        var layers = new List<long[]>();
        while (shapes.TryGetValue(Weight(layers.Count), out var shape))
        {
            if (shape.Length is not (2 or 4))
            {
                throw new AlignmentException($"{model}: tensor '{Weight(layers.Count)}' is [{string.Join(", ", shape)}]; a classifier layer weight is [out, in] or [out, in, k, k]");
            }

            layers.Add(shape);
        }

        if (layers.Count == 0)
        {
            throw new AlignmentException($"{model}: no tensor '{Weight(0)}'; not a classifier checkpoint");
        }

        var groups = new List<PermutationGroup>();
        var tensors = new Dictionary<string, IReadOnlyList<PermutedAxis>>(StringComparer.Ordinal);
        var incoming = (PermutedAxis?)null;
        for (var layer = 0; layer < layers.Count; layer++)
        {
            var weightAxes = new List<PermutedAxis>();
            var biasAxes = new List<PermutedAxis>();
            if (incoming is not null)
            {
                weightAxes.Add(incoming);
            }

            incoming = null;
            if (layer < layers.Count - 1)
            {
                var group = Group(layer);
                var units = layers[layer][0];
                groups.Add(new PermutationGroup(group, checked((int)units)));
                weightAxes.Insert(0, new PermutedAxis(0, group));
                biasAxes.Add(new PermutedAxis(0, group));
                var nextInputs = layers[layer + 1][1];
                if (nextInputs % units != 0)
                {
                    throw new AlignmentException($"{model}: tensor '{Weight(layer + 1)}' has {nextInputs} inputs, not a multiple of the {units} outputs of '{Weight(layer)}'");
                }

                incoming = new PermutedAxis(1, group, checked((int)(nextInputs / units)));
            }

            tensors[Weight(layer)] = weightAxes;
            tensors[Bias(layer)] = biasAxes;
        }

        return new PermutationSpec(groups, tensors);
    }

    private static string Weight(int layer) => string.Create(CultureInfo.InvariantCulture, $"layers.{layer}.weight");

    private static string Bias(int layer) => string.Create(CultureInfo.InvariantCulture, $"layers.{layer}.bias");

    private static string Group(int layer) => string.Create(CultureInfo.InvariantCulture, $"layers.{layer}.out");
}
