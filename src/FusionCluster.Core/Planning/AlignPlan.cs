namespace FusionCluster.Core.Planning;

/// <summary>
/// A job's alignment phase as planned from the spec's <c>align:</c> section: each of <see cref="Models"/>
/// is aligned to <see cref="Reference"/> by one unit, and the merge units read those models through the
/// permutations found.
/// </summary>
/// <param name="Method">The method's spec name (weight_matching).</param>
/// <param name="Models">The models that are permuted, in spec order (every model but the reference).</param>
/// <param name="PermutationSpecFile">The permutation spec file, resolved against the spec's folder; null to derive one from each model's architecture.</param>
public sealed record AlignPlan(string Method, string Reference, IReadOnlyList<string> Models, int Iterations, int Seed, string? PermutationSpecFile);
