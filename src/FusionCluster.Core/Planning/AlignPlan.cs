namespace FusionCluster.Core.Planning;

/// <summary>
/// A job's alignment phase as planned from the spec's <c>align:</c> section: each of <see cref="Models"/>
/// is aligned to <see cref="Reference"/> by one unit, and the merge units read those models through the
/// permutations found.
/// </summary>
/// <param name="Method">The method's spec name (weight_matching, activation_matching or zipit).</param>
/// <param name="Models">The models that are permuted, in spec order (every model but the reference).</param>
/// <param name="PermutationSpecFile">The permutation spec file, resolved against the spec's folder; null to derive one from each model's architecture.</param>
public sealed record AlignPlan(string Method, string Reference, IReadOnlyList<string> Models, int Iterations, int Seed, string? PermutationSpecFile)
{
    /// <summary>activation_matching's dataset file, resolved against the spec's folder; null for weight matching.</summary>
    public string? DatasetFile { get; init; }

    /// <summary>How many training samples (drawn by <see cref="Seed"/>) the activations are measured on.</summary>
    public int Samples { get; init; } = DefaultSamples;

    /// <summary>
    /// With <c>repair: true</c>: the reference's share of the interpolation is 1 − α and the aligned model's α
    /// (its normalised linear weight); REPAIR's goal for each hidden unit interpolates the two models'
    /// statistics with it. Null without REPAIR.
    /// </summary>
    public double? RepairAlpha { get; init; }

    /// <summary>zipit: ZipIt!'s α (the factor on a merged feature's similarities); null for its default, 0.3.</summary>
    public double? ZipAlpha { get; init; }

    /// <summary>
    /// zipit: how many hidden layers are zipped (partial zipping, <c>zip_layers: k</c>); the models keep the layers after
    /// them as their own branches (<see cref="ZipBranchPlanner"/>). Null zips every hidden layer.
    /// </summary>
    public int? ZipLayers { get; init; }

    /// <summary>As many as <c>fusion connect --statistics-samples</c> takes by default.</summary>
    public const int DefaultSamples = 2000;
}
