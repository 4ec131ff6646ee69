namespace FusionCluster.Core.Specs;

/// <summary>
/// Ranges of merge parameters, checked while the spec is read so that the error names the key and line.
/// <c>density</c> is the fraction of each task vector kept (mergekit asserts density &gt; 0 where it sparsifies;
/// 1 keeps everything). slerp's <c>t</c> is an interpolation factor between the base (0) and the other model (1).
/// The documented exception: nearswap's <c>t</c> is a distance threshold, not an interpolation factor, and
/// weights, <c>lambda</c> and <c>scale</c> extrapolate as in mergekit (a weight of 1.5 or -0.5 is a task-arithmetic
/// extrapolation, used on purpose), so none of them is limited to [0, 1].
/// </summary>
public static class ParameterRanges
{
    private static readonly ParameterRange Density = new(0, false, 1, true, "the fraction of each task vector kept");
    private static readonly ParameterRange SlerpT = new(0, true, 1, true, "slerp interpolates from the base model (0) to the other model (1)");
    private static readonly ParameterRange RamEpsilon = new(0, true, double.PositiveInfinity, true, "the |delta| at or below which a model leaves an element unchanged");
    private static readonly ParameterRange RamAlpha = new(0, true, double.PositiveInfinity, true, "the upper bound of the clamped shared/unique ratio");
    private static readonly ParameterRange CommonSpaceFraction = new(0, true, 1, true, "the fraction of singular directions given to the common subspace");
    private static readonly ParameterRange WudiIterations = new(0, true, 1_000_000, true, "the number of Adam steps");
    private static readonly ParameterRange WudiLearningRate = new(0, false, double.PositiveInfinity, true, "Adam's learning rate");

    private static readonly ParameterRange NonDiagonalRatio = new(0, true, 1, true, "RegMean's factor on the Gram matrices' off-diagonal entries (0: diagonal only, 1: unchanged)");
    private static readonly ParameterRange MinimalFisherWeight = new(0, false, double.PositiveInfinity, true, "added to every Fisher so that a parameter no data moves is averaged");
    private static readonly ParameterRange Samples = new(1, true, 10_000_000, true, "the number of samples of each model's dataset the statistics read");

    /// <summary>The ranges that apply under <paramref name="mergeMethod"/>, by parameter name.</summary>
    public static IReadOnlyDictionary<string, ParameterRange> For(string mergeMethod)
    {
        var ranges = new Dictionary<string, ParameterRange>(StringComparer.Ordinal) { ["density"] = Density };
        if (mergeMethod.Trim() == "slerp")
        {
            ranges["t"] = SlerpT;
        }

        switch (mergeMethod.Trim())
        {
            case "ram":
                ranges["epsilon"] = RamEpsilon;
                break;
            case "ramplus_tl":
                ranges["epsilon"] = RamEpsilon;
                ranges["alpha"] = RamAlpha;
                break;
            case "iso_cts":
                ranges["common_space_fraction"] = CommonSpaceFraction;
                break;
            case "regmean" or "regmean_plus_plus":
                ranges["reduce_non_diagonal_ratio"] = NonDiagonalRatio;
                ranges["samples"] = Samples;
                break;
            case "fisher":
                ranges["minimal_fisher_weight"] = MinimalFisherWeight;
                ranges["samples"] = Samples;
                break;
            case "adamerging":
                ranges["steps"] = WudiIterations;
                ranges["lr"] = WudiLearningRate;
                break;
            case "wudi":
                ranges["iter_num"] = WudiIterations;
                ranges["lr"] = WudiLearningRate;
                break;
        }

        return ranges;
    }
}
