using FusionCluster.Core.Specs;

namespace FusionCluster.Core.Planning;

/// <summary>
/// What <c>align: {method: zipit}</c> needs in a merge job. ZipIt! (Stoica et al.) replaces the merge itself:
/// each merged feature is the mean of a cluster of both models' features, M·[W_a; W_b]·U per layer. Merge units
/// compute it as a linear merge of the two models read through their share of that sum (each share doubled,
/// then halved by the merge), so the spec must be exactly that merge: <c>linear</c> over two models with equal
/// weights. Anything else would be a different merge silently ignored or distorted, so it is refused.
/// </summary>
internal static class ZipitPlanner
{
    public static void Check(MergeSpec spec, AlignSpec align, IReadOnlyList<string> models)
    {
        if (models.Count != 2)
        {
            throw new SpecException($"align.method: zipit in merge jobs zips two models; the spec merges {models.Count} ({string.Join(", ", models)})");
        }

        if (spec.MergeMethod != "linear")
        {
            throw new SpecException($"align.method: zipit's merge is the mean of matched features, which merge units compute as an equal-weight linear merge; merge_method '{spec.MergeMethod}' is not one (use merge_method: linear)");
        }

        if (align.Repair)
        {
            throw new SpecException("align.repair: REPAIR corrects an interpolation of permuted models; zipit merges features instead and does not take it");
        }

        if (align.PermutationSpec is not null)
        {
            throw new SpecException("align.permutation_spec: zipit in merge jobs runs the classifiers fusion train makes and derives their layers itself; it takes no permutation spec");
        }

        const string why = "zipit averages the two models' matched features equally";
        var weights = models.Select(m => AlignPlanner.ScalarWeight(spec, m, "align.method: zipit", why)).ToArray();
        var equal = AlignPlanner.Normalizes(spec) ? weights[0] == weights[1] && weights[0] > 0 : weights[0] == 0.5 && weights[1] == 0.5;
        if (!equal)
        {
            throw new SpecException($"align.method: zipit averages the two models' matched features equally; give both the same weight (they have {weights[0]} and {weights[1]}{(AlignPlanner.Normalizes(spec) ? "" : ", and with normalize: false each must be 0.5")})");
        }
    }
}
