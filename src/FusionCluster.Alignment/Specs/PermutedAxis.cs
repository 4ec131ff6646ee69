namespace FusionCluster.Alignment.Specs;

/// <summary>
/// One axis of a tensor that a group permutes. The axis holds <see cref="BlockSize"/> consecutive entries
/// per unit, so unit u covers indices [u·BlockSize, (u+1)·BlockSize) and moves as a whole: an attention
/// head's dimensions, or a channel's pixels in a flattened feature map.
/// </summary>
public sealed record PermutedAxis(int Axis, string Group, int BlockSize = 1);
