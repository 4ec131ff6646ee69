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
            case AlignMethod.ActivationMatching:
                throw new SpecException("align.method: activation_matching is not supported in merge jobs yet (only weight_matching is); `fusion connect A B --align activation_matching` evaluates it");
            case AlignMethod.Zipit:
                throw new SpecException("align.method: zipit merges features rather than permuting them and is not supported in merge jobs yet (only weight_matching is); `fusion connect A B --align zipit` evaluates it");
        }

        if (align.Repair)
        {
            throw new SpecException("align.repair: REPAIR is not supported in merge jobs yet; `fusion connect A B --align weight_matching --repair` evaluates it");
        }

        var models = spec.Slices.SelectMany(s => s.Sources).Select(s => s.Model).Distinct(StringComparer.Ordinal).ToList();
        if (!models.Contains(align.Reference, StringComparer.Ordinal))
        {
            throw new SpecException($"align.reference: '{align.Reference}' is not one of the spec's models ({string.Join(", ", models)})");
        }

        var specFile = align.PermutationSpec is { } file ? Path.GetFullPath(file, specDirectory ?? Directory.GetCurrentDirectory()) : null;
        return new AlignPlan(
            align.MethodName,
            align.Reference,
            models.Where(m => m != align.Reference).ToList(),
            align.Iterations,
            align.Seed,
            specFile);
    }
}
