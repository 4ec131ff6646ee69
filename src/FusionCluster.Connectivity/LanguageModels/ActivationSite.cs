namespace FusionCluster.Connectivity.LanguageModels;

/// <summary>
/// A point of a language model's forward pass where a permutation group's units show: <see cref="Key"/> is
/// <c>hidden.N</c> (the residual stream after block N) or the tensor-name prefix of the linear layer whose input
/// it is; <see cref="Width"/> activations per token, <see cref="Block"/> consecutive ones per unit, seen in decoder
/// block <see cref="Layer"/> (so a forward pass through blocks 0 to <see cref="Layer"/> shows it).
/// </summary>
internal sealed record ActivationSite(string Key, string Group, int Width, int Block, int Layer)
{
    /// <summary>The group's units: <see cref="Width"/> / <see cref="Block"/>.</summary>
    public int Units => Width / Block;
}
