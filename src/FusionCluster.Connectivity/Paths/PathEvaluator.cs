using FusionCluster.Connectivity.Networks;

namespace FusionCluster.Connectivity.Paths;

/// <summary>Scores a path at evenly spaced α = 0, 1/(n−1), ..., 1.</summary>
public static class PathEvaluator
{
    /// <summary>
    /// Accuracy and loss at each α. <paramref name="adjust"/>, when given, replaces the weights at α before they
    /// are scored (REPAIR does this); it must return new weights and leave its input alone.
    /// </summary>
    public static IReadOnlyList<PathPoint> Evaluate(IModelPath path, int points, LabelledSamples samples, Func<ClassifierWeights, double, ClassifierWeights>? adjust = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(points, 2);
        var result = new List<PathPoint>(points);
        for (var i = 0; i < points; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();

            // Exact endpoints: i / (points − 1) is 1.0 at the last point, so φ(1) = b bit for bit.
            var alpha = (double)i / (points - 1);
            using var weights = path.At(alpha);
            using var adjusted = adjust?.Invoke(weights, alpha);
            var (accuracy, loss) = ClassifierScorer.Score(adjusted ?? weights, samples);
            result.Add(new PathPoint(alpha, accuracy, loss));
        }

        return result;
    }
}
