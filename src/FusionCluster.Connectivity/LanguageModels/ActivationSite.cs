namespace FusionCluster.Connectivity.LanguageModels;

/// <summary>
/// A point of a language model's forward pass where a permutation group's units show: <see cref="Key"/> is
/// <c>hidden.N</c> (the residual stream after block N) or the tensor-name prefix of the linear layer whose input
/// it is; <see cref="Width"/> activations per token, <see cref="Block"/> consecutive ones per unit.
/// </summary>
internal sealed record ActivationSite(string Key, string Group, int Width, int Block);
