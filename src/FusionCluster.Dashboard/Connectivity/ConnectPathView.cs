namespace FusionCluster.Dashboard.Connectivity;

/// <summary>
/// One evaluated path of a connect result as connect.json records it: how the second model was aligned,
/// the curve, REPAIR, its barriers and points.
/// </summary>
/// <param name="MetricBarrier">The accuracy barrier (classifiers) or perplexity barrier (language models).</param>
public sealed record ConnectPathView(
    string Label,
    string Curve,
    string Alignment,
    bool Repair,
    double LossBarrier,
    double LossBarrierAlpha,
    double MetricBarrier,
    IReadOnlyList<ConnectPointView> Points)
{
    /// <summary>The point nearest α = 0.5.</summary>
    public ConnectPointView Midpoint => Points.MinBy(p => Math.Abs(p.Alpha - 0.5))!;
}
