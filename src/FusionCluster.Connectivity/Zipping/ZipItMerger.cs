using FusionCluster.Connectivity.Matching;
using FusionCluster.Connectivity.Networks;
using FusionCluster.Evaluation.Models;
using static TorchSharp.torch;

namespace FusionCluster.Connectivity.Zipping;

/// <summary>
/// ZipIt! (Stoica et al. 2023) for the MLP classifiers: for each of the first k hidden layers, correlate the
/// pre-activations of both models' features on data (2n × 2n, within and across the models), cluster them
/// greedily (<see cref="ZipItMatcher"/>) into n merged features, and fold merge and unmerge matrices into the
/// weights: W = M_a·W_a·U_a' + M_b·W_b·U_b' and b = M_a·b_a + M_b·b_b, where U' is the previous layer's unmerge
/// (identity for the pixels). With every hidden layer zipped the output layer is the mean of both models' output
/// layers read through the last unmerge; with fewer, each model keeps the rest of its layers as its own head.
/// </summary>
public static class ZipItMerger
{
    private const long BatchSize = 1024;

    /// <param name="zipLayers">Hidden layers to zip, 0..hidden count; null zips all.</param>
    public static ZippedClassifier Zip(ClassifierWeights a, ClassifierWeights b, Tensor inputs, int? zipLayers, ZipItOptions options)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(options);
        if (a.Config.Architecture != ClassifierArchitecture.Mlp)
        {
            throw new NotSupportedException("ZipIt! is implemented for MLP classifiers only (model_type fusion-mnist-mlp)");
        }

        var hidden = a.HiddenLayerCount;
        var zipped = zipLayers ?? hidden;
        if (zipped < 0 || zipped > hidden)
        {
            throw new ArgumentOutOfRangeException(nameof(zipLayers), zipLayers, $"the models have {hidden} hidden layers; zip 0..{hidden} of them");
        }

        var correlations = Correlations(a, b, inputs, zipped);
        using var noGrad = no_grad();
        var trunk = new List<(Tensor, Tensor)>();
        Tensor? unmergeA = null;
        Tensor? unmergeB = null;
        for (var layer = 0; layer < zipped; layer++)
        {
            var units = (int)a.Bias(layer).shape[0];
            var clusters = ZipItMatcher.Match(correlations[layer], units, options);
            using var merge = tensor(clusters.MergeMatrix(), [clusters.Count, 2 * units]);
            using var unmerge = tensor(clusters.UnmergeMatrix(), [2 * units, clusters.Count]);
            using var weightA = ReadThrough(a.Weight(layer), unmergeA);
            using var weightB = ReadThrough(b.Weight(layer), unmergeB);
            using var mergeA = merge.narrow(1, 0, units);
            using var mergeB = merge.narrow(1, units, units);
            var weight = mergeA.matmul(weightA).add_(mergeB.matmul(weightB));
            var bias = mergeA.matmul(a.Bias(layer)).add_(mergeB.matmul(b.Bias(layer)));
            trunk.Add((weight, bias));
            unmergeA?.Dispose();
            unmergeB?.Dispose();
            unmergeA = unmerge.narrow(0, 0, units).clone();
            unmergeB = unmerge.narrow(0, units, units).clone();
        }

        try
        {
            if (zipped == hidden)
            {
                var output = hidden;
                using var outputA = ReadThrough(a.Weight(output), unmergeA);
                using var outputB = ReadThrough(b.Weight(output), unmergeB);
                var head = new List<(Tensor, Tensor)> { (outputA.add(outputB).mul_(0.5), a.Bias(output).add(b.Bias(output)).mul_(0.5)) };
                return new ZippedClassifier(a.Config, trunk, [head]);
            }

            return new ZippedClassifier(a.Config, trunk, [Head(a, zipped, unmergeA), Head(b, zipped, unmergeB)]);
        }
        finally
        {
            unmergeA?.Dispose();
            unmergeB?.Dispose();
        }
    }

    /// <summary>A model's layers from <paramref name="first"/> on, the first reading the merged features through the unmerge.</summary>
    private static List<(Tensor, Tensor)> Head(ClassifierWeights weights, int first, Tensor? unmerge)
    {
        var head = new List<(Tensor, Tensor)> { (ReadThrough(weights.Weight(first), unmerge), weights.Bias(first).clone()) };
        for (var layer = first + 1; layer < weights.LayerCount; layer++)
        {
            head.Add((weights.Weight(layer).clone(), weights.Bias(layer).clone()));
        }

        return head;
    }

    /// <summary>W·U: a layer that read a model's own features now reads the merged ones. A copy of W without U.</summary>
    private static Tensor ReadThrough(Tensor weight, Tensor? unmerge) => unmerge is null ? weight.clone() : weight.matmul(unmerge);

    /// <summary>Per zipped layer, the [2n, 2n] correlation of a's and b's pre-activations (a first).</summary>
    private static List<double[]> Correlations(ClassifierWeights a, ClassifierWeights b, Tensor inputs, int layers)
    {
        var accumulators = Enumerable.Range(0, layers).Select(l => new FeatureCorrelation(2 * (int)a.Bias(l).shape[0])).ToList();
        try
        {
            using (no_grad())
            {
                for (long start = 0; start < inputs.shape[0]; start += BatchSize)
                {
                    using var scope = NewDisposeScope();
                    var batch = inputs.narrow(0, start, Math.Min(BatchSize, inputs.shape[0] - start));
                    var featuresA = ActivationMatcher.HiddenActivations(a, batch);
                    var featuresB = ActivationMatcher.HiddenActivations(b, batch);
                    for (var layer = 0; layer < layers; layer++)
                    {
                        accumulators[layer].Add(cat([featuresA[layer], featuresB[layer]], 1));
                    }
                }
            }

            return [.. accumulators.Select(c => c.Correlation())];
        }
        finally
        {
            accumulators.ForEach(c => c.Dispose());
        }
    }
}
