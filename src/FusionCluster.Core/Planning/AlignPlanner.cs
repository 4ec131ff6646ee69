using FusionCluster.Core.Specs;

namespace FusionCluster.Core.Planning;

/// <summary>
/// Turns a spec's <c>align:</c> section into the job's alignment phase, or refuses what merge jobs do not
/// run with a message saying so: a section is never silently ignored.
/// </summary>
public static class AlignPlanner
{
    /// <param name="specDirectory">Where a relative permutation_spec path resolves; the working folder when null.</param>
    /// <exception cref="SpecException">The section asks for something merge jobs cannot do yet.</exception>
    public static AlignPlan? Plan(MergeSpec spec, string? specDirectory)
    {
        if (spec.Align is not { } align)
        {
            return null;
        }

        var models = spec.Slices.SelectMany(s => s.Sources).Select(s => s.Model).Distinct(StringComparer.Ordinal).ToList();
        if (!models.Contains(align.Reference, StringComparer.Ordinal))
        {
            throw new SpecException($"align.reference: '{align.Reference}' is not one of the spec's models ({string.Join(", ", models)})");
        }

        if (align.Method == AlignMethod.Zipit)
        {
            ZipitPlanner.Check(spec, align, models);
        }

        var folder = specDirectory ?? Directory.GetCurrentDirectory();
        var specFile = align.PermutationSpec is { } file ? Path.GetFullPath(file, folder) : null;
        var dataset = (align.Method is AlignMethod.ActivationMatching or AlignMethod.Zipit || align.Repair) && align.Dataset is { } data ? Path.GetFullPath(data, folder) : null;
        return new AlignPlan(
            align.MethodName,
            align.Reference,
            models.Where(m => m != align.Reference).ToList(),
            align.Iterations,
            align.Seed,
            specFile)
        {
            DatasetFile = dataset,
            Samples = align.Samples ?? AlignPlan.DefaultSamples,
            RepairAlpha = align.Repair ? RepairAlpha(spec, align.Reference, models) : null,
            ZipAlpha = align.Alpha,
            ZipLayers = align.ZipLayers,
        };
    }

    /// <summary>
    /// REPAIR in a job corrects the interpolation of two classifiers (Jordan et al.): the merge must be
    /// <c>linear</c> over exactly the reference and one aligned model, each with one scalar weight. The
    /// correction is then an affine map per hidden unit that commutes with the average, so merge units apply
    /// it to both inputs as they read them. Other methods (slerp, ties, task arithmetic...) are refused.
    /// </summary>
    private static double RepairAlpha(MergeSpec spec, string reference, IReadOnlyList<string> models)
    {
        if (spec.MergeMethod != "linear")
        {
            throw new SpecException($"align.repair: REPAIR in merge jobs corrects a linear interpolation of two models; merge_method '{spec.MergeMethod}' is not one (use merge_method: linear)");
        }

        if (models.Count != 2)
        {
            throw new SpecException($"align.repair: REPAIR interpolates the statistics of two endpoints; the spec merges {models.Count} models ({string.Join(", ", models)})");
        }

        const string why = "REPAIR's goal interpolates the endpoints' statistics with it";
        var other = models.Single(m => m != reference);
        double referenceWeight = ScalarWeight(spec, reference, "align.repair", why), otherWeight = ScalarWeight(spec, other, "align.repair", why);
        if (Normalizes(spec))
        {
            return referenceWeight + otherWeight is var sum && sum > 0
                ? otherWeight / sum
                : throw new SpecException("align.repair: the two weights must sum to a positive number");
        }

        if (Math.Abs(referenceWeight + otherWeight - 1) > 1e-9)
        {
            throw new SpecException($"align.repair: with normalize: false the weights must sum to 1 for the merge to be an interpolation (they sum to {referenceWeight + otherWeight})");
        }

        return otherWeight;
    }

    /// <summary>A model's linear weight as one number; an error under <paramref name="key"/> saying <paramref name="why"/> otherwise.</summary>
    internal static double ScalarWeight(MergeSpec spec, string model, string key, string why)
    {
        var slice = spec.Slices.Single();
        var source = slice.Sources.First(s => s.Model == model);
        var setting = source.Parameters.GetValueOrDefault("weight") ?? slice.Parameters.GetValueOrDefault("weight") ?? spec.Parameters.GetValueOrDefault("weight");
        return setting is ScalarSetting scalar
            ? scalar.Value
            : throw new SpecException($"{key}: model '{model}' needs one number as its weight ({why}), not {(setting is null ? "none" : "a per-tensor setting")}");
    }

    /// <summary>Whether the linear merge divides by the weights' sum (its normalize parameter, on by default).</summary>
    internal static bool Normalizes(MergeSpec spec) =>
        (spec.Slices.Single().Parameters.GetValueOrDefault("normalize") ?? spec.Parameters.GetValueOrDefault("normalize")) is not ScalarSetting { Value: 0 };
}
