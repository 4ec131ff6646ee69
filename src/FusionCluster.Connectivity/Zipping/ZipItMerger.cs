using FusionCluster.Alignment.Zipping;
using FusionCluster.Connectivity.Matching;
using FusionCluster.Connectivity.Networks;
using static TorchSharp.torch;

namespace FusionCluster.Connectivity.Zipping;

/// <summary>
/// ZipIt! (Stoica et al. 2023) for the MLP and CNN classifiers: for each of the first k hidden layers, correlate
/// both models' features on data (2n × 2n, within and across the models; a convolution's channels with every
/// position a sample, as gstoica27/ZipIt reshapes [B, C, H, W] to [C, B·H·W]), cluster them greedily
/// (<see cref="ZipItMatcher"/>) into n merged features, and fold merge and unmerge matrices into the weights:
/// W = M_a·W_a·U_a' + M_b·W_b·U_b' and b = M_a·b_a + M_b·b_b, where U' is the previous layer's unmerge (identity
/// for the pixels; over input channels for a convolution, over each channel's block of pixels for the linear
/// layer after the flatten). With every hidden layer zipped the output layer is the mean of both models' output
/// layers read through the last unmerge; with fewer, each model keeps the rest of its layers as its own head.
/// Features are compared before the ReLU, as activation matching compares them (units silent on the data still
/// differ there); gstoica27/ZipIt hooks after it. The folds are <see cref="ZipFold"/>'s, which a merge job's
/// units run too, so a zipit job publishes this merge's bytes.
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
        a.CheckSameShape(b, "the first model", "the second model");
        var hidden = a.HiddenLayerCount;
        var zipped = zipLayers ?? hidden;
        if (zipped < 0 || zipped > hidden)
        {
            throw new ArgumentOutOfRangeException(nameof(zipLayers), zipLayers, $"the models have {hidden} hidden layers; zip 0..{hidden} of them");
        }

        var clusters = Match(a, b, inputs, zipped, options).ToDictionary(g => g.Name, g => g.Clusters, StringComparer.Ordinal);
        return Fold(a, b, clusters, zipped);
    }

    /// <summary>The clusters of the first <paramref name="layers"/> hidden layers (groups <c>layers.i.out</c>), from one pass of both models over the inputs.</summary>
    public static IReadOnlyList<ZippedGroup> Match(ClassifierWeights a, ClassifierWeights b, Tensor inputs, int layers, ZipItOptions options)
    {
        ArgumentNullException.ThrowIfNull(a);
        var spec = UnitPermutations.SpecOf(a, "the first model");
        var correlations = Correlations(a, b, inputs, layers);
        return [.. Enumerable.Range(0, layers).Select(layer => ZippedGroup.Match(spec.Groups[layer].Name, correlations[layer], spec.Groups[layer].Size, options))];
    }

    /// <summary>
    /// The zipped model from the clusters of its first <paramref name="zipped"/> hidden layers: the trunk's tensors
    /// are the sum of both models' shares, the output layer (everything zipped) the mean of both models' reads.
    /// </summary>
    private static ZippedClassifier Fold(ClassifierWeights a, ClassifierWeights b, IReadOnlyDictionary<string, FeatureClusters> clusters, int zipped)
    {
        var spec = UnitPermutations.SpecOf(a, "the first model");
        (float[] Values, long[] Shape) Share(ClassifierWeights model, int side, string name) =>
            ZipFolds.For(spec, clusters, name, side, mergedScale: 1).Apply(model[name].data<float>().ToArray(), model[name].shape, name);

        Tensor Combined(string name, float shareOfEach)
        {
            var (first, shape) = Share(a, 0, name);
            var (second, _) = Share(b, 1, name);

            // Written as the job's linear merge computes it (from zero, each share times its weight added in turn;
            // there the shares are doubled and halved, both exact), so the bytes agree, down to the sign of zero.
            var sum = new float[first.Length];
            for (var i = 0; i < sum.Length; i++)
            {
                var total = 0f;
                total += shareOfEach * first[i];
                total += shareOfEach * second[i];
                sum[i] = total;
            }

            return tensor(sum, shape);
        }

        Tensor Own(ClassifierWeights model, int side, string name)
        {
            var (values, shape) = Share(model, side, name);
            return tensor(values, shape);
        }

        var trunk = Enumerable.Range(0, zipped)
            .Select(layer => (Combined(ClassifierWeights.WeightName(layer), 1), Combined(ClassifierWeights.BiasName(layer), 1)))
            .ToList();
        var output = a.LayerCount - 1;
        if (zipped == a.HiddenLayerCount)
        {
            List<(Tensor, Tensor)> head = [(Combined(ClassifierWeights.WeightName(output), 0.5f), Combined(ClassifierWeights.BiasName(output), 0.5f))];
            return new ZippedClassifier(a.Config, trunk, [head]);
        }

        List<(Tensor, Tensor)> Head(ClassifierWeights model, int side) =>
            [.. Enumerable.Range(zipped, a.LayerCount - zipped).Select(layer => (Own(model, side, ClassifierWeights.WeightName(layer)), Own(model, side, ClassifierWeights.BiasName(layer))))];

        return new ZippedClassifier(a.Config, trunk, [Head(a, 0), Head(b, 1)]);
    }

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
