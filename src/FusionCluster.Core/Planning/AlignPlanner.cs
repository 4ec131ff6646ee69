using FusionCluster.Core.Specs;

namespace FusionCluster.Core.Planning;

/// <summary>
/// Turns a spec's <c>align:</c> section into the job's alignment phase, or refuses what merge jobs do not
/// run yet with a message saying so: a section is never silently ignored.
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

        switch (align.Method)
        {
            case AlignMethod.Zipit:
                throw new SpecException("align.method: zipit merges features rather than permuting them and is not supported in merge jobs yet (weight_matching and activation_matching are); `fusion connect A B --align zipit` evaluates it");
        }

        var models = spec.Slices.SelectMany(s => s.Sources).Select(s => s.Model).Distinct(StringComparer.Ordinal).ToList();
        if (!models.Contains(align.Reference, StringComparer.Ordinal))
        {
            throw new SpecException($"align.reference: '{align.Reference}' is not one of the spec's models ({string.Join(", ", models)})");
        }

        var folder = specDirectory ?? Directory.GetCurrentDirectory();
        var specFile = align.PermutationSpec is { } file ? Path.GetFullPath(file, folder) : null;
        var dataset = (align.Method == AlignMethod.ActivationMatching || align.Repair) && align.Dataset is { } data ? Path.GetFullPath(data, folder) : null;
        if (dataset is not null && !File.Exists(dataset))
        {
            throw new SpecException($"align.dataset: '{align.Dataset}' ({dataset}) does not exist; activation matching and REPAIR measure activations on this dataset file");
        }

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

        var slice = spec.Slices.Single();
        double WeightOf(string model)
        {
            var source = slice.Sources.First(s => s.Model == model);
            var setting = source.Parameters.GetValueOrDefault("weight") ?? slice.Parameters.GetValueOrDefault("weight") ?? spec.Parameters.GetValueOrDefault("weight");
            return setting is ScalarSetting scalar
                ? scalar.Value
                : throw new SpecException($"align.repair: model '{model}' needs one number as its weight (REPAIR's goal interpolates the endpoints' statistics with it), not {(setting is null ? "none" : "a per-tensor setting")}");
        }

        var other = models.Single(m => m != reference);
        double referenceWeight = WeightOf(reference), otherWeight = WeightOf(other);
        var normalize = (slice.Parameters.GetValueOrDefault("normalize") ?? spec.Parameters.GetValueOrDefault("normalize")) is not ScalarSetting { Value: 0 };
        if (normalize)
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
}
