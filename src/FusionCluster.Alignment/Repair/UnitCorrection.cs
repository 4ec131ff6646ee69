namespace FusionCluster.Alignment.Repair;

/// <summary>
/// REPAIR's fix-up of one layer: each output unit u's weight row is multiplied by Scale[u] and its bias
/// becomes bias·Scale[u] + Shift[u]. Float32, as the correction is folded into float32 weights.
/// </summary>
/// <param name="Weight">The layer's weight tensor (rows, or output channels, are units).</param>
/// <param name="Bias">The layer's bias tensor.</param>
public sealed record UnitCorrection(string Weight, string Bias, float[] Scale, float[] Shift);
