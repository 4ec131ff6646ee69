using System.Runtime.CompilerServices;

namespace FusionCluster.Evaluation.Evaluators;

/// <summary>
/// The fixed summation order of every sum behind the <c>tensors</c> evaluator (<see cref="LaneSum"/>): element <c>i</c>'s
/// term is computed in float32 and added, by a fused multiply-add (one rounding), to lane <c>i mod 16</c> of the float32
/// sums of its block of 256 elements; each lane's block sum, 16 terms, is added to that lane's float64 sum when the block
/// ends; a tensor's total is the lanes' float64 sums in a fixed tree (<see cref="LaneSum.Total"/>). Sixteen float32 lanes
/// are one 512-bit vector, so the terms of a candidate are a few vector instructions per 16 elements; float64 past 16 terms
/// keeps the totals about as exact as float32 values allow. The order depends neither on how a tensor is cut into chunks
/// nor on the thread count or the machine's vector width, so every reader of the same values gets the same bits.
/// </summary>
internal static class LaneSums
{
    public const int Lanes = 16;

    /// <summary>Elements whose terms a lane's float32 sum takes before it is added to the lane's float64 sum (16 per lane).</summary>
    public const int BlockElements = 256;

    /// <summary>How many leading values of a chunk starting at <paramref name="element"/> come before lane 0 again.</summary>
    public static int Misalignment(long element, int length) =>
        (int)Math.Min(length, (Lanes - (element % Lanes)) % Lanes);

    /// <summary>Where the run of whole vectors that starts at <paramref name="i"/> (element <c>start + i</c>, in lane 0) stops at the latest: the end of its block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int BlockEnd(long start, int i, int end) =>
        Math.Min(end, i + BlockElements - (int)((start + i) % BlockElements));

    /// <summary>Whether element <paramref name="element"/> starts a block, so the one before it ended one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool StartsBlock(long element) => element % BlockElements == 0;
}
