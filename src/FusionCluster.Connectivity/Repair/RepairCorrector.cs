using FusionCluster.Alignment.Repair;
using FusionCluster.Connectivity.Networks;
using FusionCluster.Evaluation.Training;
using static TorchSharp.torch;

namespace FusionCluster.Connectivity.Repair;

/// <summary>
/// REPAIR (Jordan et al. 2022): interpolating two networks shrinks the variance of hidden units ("variance
/// collapse"). For each hidden layer in order, the unit's pre-activation z on the data is reset to
/// (z − μ)·(σ_goal / σ) + μ_goal, where the goals are the interpolation of the endpoints' statistics, and that
/// affine map is folded into the layer itself: its rows of W (or output channels of a convolution) are scaled by
/// σ_goal / σ and its bias becomes (b − μ)·σ_goal / σ + μ_goal. Layers are corrected one after another, each
/// measured after the ones before it are corrected, so every unit meets its goal on this data exactly (up to
/// rounding). The classifiers here have no norm layers, so the weights are the only place to put it.
/// </summary>
public static class RepairCorrector
{
    /// <summary>Below this standard deviation a unit is taken as constant on the data: only its mean is reset.</summary>
    public const double ConstantUnitStd = 1e-6;

    /// <summary>A corrected copy of <paramref name="interpolated"/> (the weights at α between a and b).</summary>
    public static ClassifierWeights Repair(ClassifierWeights interpolated, IReadOnlyList<LayerStatistics> start, IReadOnlyList<LayerStatistics> end, double alpha, Tensor inputs) =>
        Correct(interpolated, start, end, alpha, inputs).Repaired;

    /// <summary>
    /// The same correction, also as what it did to each hidden layer: rows scaled by Scale, bias·Scale + Shift
    /// (what a merge job folds into the merge it reads, see FusionCluster.Alignment's CorrectedTensorSource).
    /// </summary>
    public static (ClassifierWeights Repaired, IReadOnlyList<UnitCorrection> Corrections) Correct(
        ClassifierWeights interpolated, IReadOnlyList<LayerStatistics> start, IReadOnlyList<LayerStatistics> end, double alpha, Tensor inputs)
    {
        ArgumentNullException.ThrowIfNull(interpolated);
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(end);
        if (start.Count != interpolated.HiddenLayerCount || end.Count != interpolated.HiddenLayerCount)
        {
            throw new ArgumentException($"REPAIR needs statistics of all {interpolated.HiddenLayerCount} hidden layers of both endpoints");
        }

        var repaired = interpolated.Clone();
        var corrections = new List<UnitCorrection>();
        try
        {
            for (var layer = 0; layer < repaired.HiddenLayerCount; layer++)
            {
                var goal = LayerStatistics.Interpolate(start[layer], end[layer], alpha);
                var current = UnitStatistics.Measure(repaired, inputs)[layer];
                var scale = current.Std.Select((s, u) => s < ConstantUnitStd ? 1.0 : goal.Std[u] / s).ToArray();
                var shift = scale.Select((s, u) => goal.Mean[u] - (current.Mean[u] * s)).ToArray();
                var correction = new UnitCorrection(
                    ClassifierWeights.WeightName(layer), ClassifierWeights.BiasName(layer), [.. scale.Select(s => (float)s)], [.. shift.Select(s => (float)s)]);
                corrections.Add(correction);
                using var noGrad = no_grad();
                using var scope = NewDisposeScope();
                var weight = repaired.Weight(layer);
                var rowShape = new long[weight.dim()];
                Array.Fill(rowShape, 1L);
                rowShape[0] = scale.Length;
                weight.mul_(tensor(correction.Scale).reshape(rowShape));
                repaired.Bias(layer).mul_(tensor(correction.Scale)).add_(tensor(correction.Shift), HeldScalars.One);
            }

            return (repaired, corrections);
        }
        catch
        {
            repaired.Dispose();
            throw;
        }
    }
}
