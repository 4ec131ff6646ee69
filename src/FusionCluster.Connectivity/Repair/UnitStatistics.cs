using FusionCluster.Connectivity.Networks;
using static TorchSharp.torch;

namespace FusionCluster.Connectivity.Repair;

/// <summary>
/// Measures the pre-activation statistics of every hidden unit of a classifier on data: a linear layer's units
/// over samples, a convolution's channels over samples and positions. Sums are taken in float64.
/// </summary>
public static class UnitStatistics
{
    private const long BatchSize = 1024;

    /// <summary>One entry per hidden layer, in layer order.</summary>
    public static IReadOnlyList<LayerStatistics> Measure(ClassifierWeights weights, Tensor inputs)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(inputs);
        var hidden = weights.HiddenLayerCount;
        var units = weights.Config.ConvChannels.Concat(weights.Config.HiddenSizes).ToArray();
        var sums = units.Select(u => zeros(u, dtype: ScalarType.Float64)).ToArray();
        var squares = units.Select(u => zeros(u, dtype: ScalarType.Float64)).ToArray();
        var counts = new long[hidden];
        using var noGrad = no_grad();
        try
        {
            for (long start = 0; start < inputs.shape[0]; start += BatchSize)
            {
                using var scope = NewDisposeScope();
                var batch = inputs.narrow(0, start, Math.Min(BatchSize, inputs.shape[0] - start));
                ClassifierForward.Logits(weights, batch, (layer, pre, _) =>
                {
                    var columns = ClassifierForward.AsUnitColumns(pre).to_type(ScalarType.Float64);
                    sums[layer].add_(columns.sum(dim: 0));
                    squares[layer].add_(columns.square().sum(dim: 0));
                    counts[layer] += columns.shape[0];
                });
            }

            var result = new LayerStatistics[hidden];
            for (var layer = 0; layer < hidden; layer++)
            {
                var mean = sums[layer].data<double>().Select(s => s / counts[layer]).ToArray();
                var square = squares[layer].data<double>().ToArray();

                // Var = E[x²] − E[x]², clamped: rounding can make a constant unit's variance slightly negative.
                var std = mean.Select((m, i) => Math.Sqrt(Math.Max(0, (square[i] / counts[layer]) - (m * m)))).ToArray();
                result[layer] = new LayerStatistics(mean, std);
            }

            return result;
        }
        finally
        {
            foreach (var tensor in sums.Concat(squares))
            {
                tensor.Dispose();
            }
        }
    }

}
