namespace FusionCluster.Connectivity.Paths;

/// <summary>
/// How far a path rises above the straight line between its endpoints (Frankle et al. 2020, Entezari et al. 2021):
/// loss barrier = max over α of loss(α) − ((1−α)·loss(0) + α·loss(1)); accuracy barrier = max over α of
/// ((1−α)·acc(0) + α·acc(1)) − acc(α). Both are 0 at the endpoints, so neither is ever negative.
/// </summary>
/// <param name="LossBarrier">The largest excess of loss over the endpoints' line.</param>
/// <param name="LossBarrierAlpha">Where it occurs (the first such α).</param>
/// <param name="AccuracyBarrier">The largest shortfall of accuracy below the endpoints' line.</param>
/// <param name="AccuracyBarrierAlpha">Where it occurs (the first such α).</param>
public sealed record PathBarriers(double LossBarrier, double LossBarrierAlpha, double AccuracyBarrier, double AccuracyBarrierAlpha)
{
    /// <summary>Barriers of points sorted by α, the first at α = 0 and the last at α = 1 (the endpoints themselves).</summary>
    public static PathBarriers Of(IReadOnlyList<PathPoint> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (points.Count < 2 || points[0].Alpha != 0 || points[^1].Alpha != 1)
        {
            throw new ArgumentException("a path's points must start at α = 0 and end at α = 1", nameof(points));
        }

        for (var i = 1; i < points.Count; i++)
        {
            if (!(points[i].Alpha > points[i - 1].Alpha))
            {
                throw new ArgumentException($"path points must have increasing α; point {i} has {points[i].Alpha} after {points[i - 1].Alpha}", nameof(points));
            }
        }

        var start = points[0];
        var end = points[^1];
        double lossBarrier = 0, lossAlpha = 0, accuracyBarrier = 0, accuracyAlpha = 0;
        foreach (var point in points)
        {
            var lossExcess = point.Loss - (((1 - point.Alpha) * start.Loss) + (point.Alpha * end.Loss));
            if (lossExcess > lossBarrier)
            {
                (lossBarrier, lossAlpha) = (lossExcess, point.Alpha);
            }

            var accuracyShortfall = ((1 - point.Alpha) * start.Accuracy) + (point.Alpha * end.Accuracy) - point.Accuracy;
            if (accuracyShortfall > accuracyBarrier)
            {
                (accuracyBarrier, accuracyAlpha) = (accuracyShortfall, point.Alpha);
            }
        }

        return new PathBarriers(lossBarrier, lossAlpha, accuracyBarrier, accuracyAlpha);
    }
}
