using System.Text.Json.Nodes;
using FusionCluster.Connectivity.Paths;

namespace FusionCluster.Connectivity.LanguageModels;

/// <summary>
/// The linear path between two language models, scored by perplexity on one text. The loss is the mean NLL,
/// so <see cref="LossBarrier"/> is the same barrier as a classifier's (<see cref="PathBarriers"/>) and
/// exp(loss barrier) is the factor by which the path's perplexity exceeds the geometric interpolation of the
/// endpoints'. <see cref="PerplexityBarrier"/> is the same measure on perplexity itself.
/// </summary>
/// <param name="Label">How the second model was aligned: naive or weight matching.</param>
/// <param name="Alignment">The alignment method as the CLI spells it.</param>
/// <param name="Tokens">Tokens predicted at every point.</param>
/// <param name="Points">Points sorted by α, the first at 0 and the last at 1.</param>
public sealed record LanguagePathReport(string Label, string Alignment, long Tokens, IReadOnlyList<LanguagePathPoint> Points)
{
    // Accuracy has no meaning here; zero everywhere leaves the accuracy barrier zero and the loss barrier as defined.
    private readonly PathBarriers lossBarriers = PathBarriers.Of([.. Points.Select(p => new PathPoint(p.Alpha, 0, p.Loss))]);
    private readonly PathBarriers perplexityBarriers = PathBarriers.Of([.. Points.Select(p => new PathPoint(p.Alpha, 0, p.Perplexity))]);

    /// <summary>max over α of loss(α) − ((1−α)·loss(0) + α·loss(1)), never negative.</summary>
    public double LossBarrier => lossBarriers.LossBarrier;

    public double LossBarrierAlpha => lossBarriers.LossBarrierAlpha;

    /// <summary>max over α of ppl(α) − ((1−α)·ppl(0) + α·ppl(1)), never negative.</summary>
    public double PerplexityBarrier => perplexityBarriers.LossBarrier;

    /// <summary>The point nearest α = 0.5.</summary>
    public LanguagePathPoint Midpoint => Points.MinBy(p => Math.Abs(p.Alpha - 0.5))!;

    public JsonObject ToJson() => new()
    {
        ["label"] = Label,
        ["curve"] = "linear",
        ["alignment"] = Alignment,
        ["tokens"] = Tokens,
        ["loss_barrier"] = LossBarrier,
        ["loss_barrier_alpha"] = LossBarrierAlpha,
        ["perplexity_barrier"] = PerplexityBarrier,
        ["points"] = new JsonArray([.. Points.Select(p => (JsonNode)new JsonObject { ["alpha"] = p.Alpha, ["perplexity"] = p.Perplexity, ["loss"] = p.Loss })]),
    };
}
