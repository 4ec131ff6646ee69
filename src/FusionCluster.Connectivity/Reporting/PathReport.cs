using System.Text.Json.Nodes;
using FusionCluster.Connectivity.Paths;

namespace FusionCluster.Connectivity.Reporting;

/// <summary>One evaluated path: how it was made (curve, alignment, REPAIR), its points and barriers.</summary>
public sealed record PathReport(string Label, string Curve, string Alignment, bool Repair, IReadOnlyList<PathPoint> Points)
{
    public PathBarriers Barriers { get; } = PathBarriers.Of(Points);

    /// <summary>The point nearest α = 0.5.</summary>
    public PathPoint Midpoint => Points.MinBy(p => Math.Abs(p.Alpha - 0.5))!;

    public JsonObject ToJson() => new()
    {
        ["label"] = Label,
        ["curve"] = Curve,
        ["alignment"] = Alignment,
        ["repair"] = Repair,
        ["loss_barrier"] = Barriers.LossBarrier,
        ["loss_barrier_alpha"] = Barriers.LossBarrierAlpha,
        ["accuracy_barrier"] = Barriers.AccuracyBarrier,
        ["accuracy_barrier_alpha"] = Barriers.AccuracyBarrierAlpha,
        ["points"] = new JsonArray([.. Points.Select(p => (JsonNode)new JsonObject { ["alpha"] = p.Alpha, ["accuracy"] = p.Accuracy, ["loss"] = p.Loss })]),
    };
}
