namespace FusionCluster.Core.Specs;

/// <summary>
/// A merge spec's <c>align:</c> section: the non-reference models are permuted to match
/// <see cref="Reference"/> before the spec's merge_method runs.
/// </summary>
/// <param name="Reference">The model the others are aligned to: the spec's <c>reference</c>, else base_model, else the first model.</param>
/// <param name="Dataset">A dataset file (or a text file for language models), as written in the spec; null when none is given.</param>
/// <param name="Samples">How many dataset samples statistics use; null for the method's default.</param>
/// <param name="PermutationSpec">A permutation spec file, as written in the spec; null to derive one from the architecture.</param>
/// <param name="Alpha">zipit only: ZipIt!'s α, the factor on a merged feature's similarities (0..1); null for the default.</param>
/// <param name="ZipLayers">zipit only: partial zipping, how many hidden layers are zipped (the rest stay each model's own branch); null zips all.</param>
public sealed record AlignSpec(
    AlignMethod Method,
    string Reference,
    string? Dataset = null,
    int? Samples = null,
    bool Repair = false,
    int Iterations = 100,
    int Seed = 0,
    string? PermutationSpec = null,
    double? Alpha = null,
    int? ZipLayers = null)
{
    /// <summary>The method's name as a spec writes it.</summary>
    public string MethodName => Names[Method];

    public static IReadOnlyDictionary<AlignMethod, string> Names { get; } = new Dictionary<AlignMethod, string>
    {
        [AlignMethod.WeightMatching] = "weight_matching",
        [AlignMethod.ActivationMatching] = "activation_matching",
        [AlignMethod.Zipit] = "zipit",
    };
}
