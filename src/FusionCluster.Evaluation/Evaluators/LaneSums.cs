using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace FusionCluster.Evaluation.Evaluators;

/// <summary>
/// The fixed summation order of the <c>tensors</c> evaluator's float64 sums: element <c>i</c> of a tensor is added to
/// lane <c>i mod 4</c>, each lane in element order, and a tensor's total is <c>(lane0 + lane1) + (lane2 + lane3)</c>.
/// Four lanes are one <see cref="Vector256{T}"/> of doubles, so the sums run vectorised; the order depends neither on
/// how the tensor is cut into chunks nor on the machine's vector width or thread count, so every reader of the same
/// values gets the same bits. A product of two floats (24-bit significands) is exact in float64 (53 bits), so the loops
/// add such products (<c>m·m</c>, <c>m·r</c>, <c>r·r</c>) with a fused multiply-add, one instruction with the same bits as a
/// multiplication and an addition; squares of differences are rounded before they are added, as the scalar paths do.
/// </summary>
internal static class LaneSums
{
    public const int Lanes = 4;

    /// <summary>A tensor's total from its lanes, in the fixed order.</summary>
    public static double Total(Vector256<double> lanes) =>
        (lanes.GetElement(0) + lanes.GetElement(1)) + (lanes.GetElement(2) + lanes.GetElement(3));

    /// <summary>Lanes whose <see cref="Total"/> is exactly <paramref name="total"/> (never -0: a sum from +0 is not).</summary>
    public static Vector256<double> OfTotal(double total) => Vector256.Create(total, 0, 0, 0);

    /// <summary>Adds one value to its lane (the few elements before and after the vectorised run).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddAt(ref Vector256<double> lanes, long element, double value)
    {
        var lane = (int)(element % Lanes);
        lanes = lanes.WithElement(lane, lanes.GetElement(lane) + value);
    }

    /// <summary>How many leading values of a chunk starting at <paramref name="element"/> come before lane 0 again.</summary>
    public static int Misalignment(long element, int length) =>
        (int)Math.Min(length, (Lanes - (element % Lanes)) % Lanes);

    /// <summary>Values [i, i + 4) of <paramref name="values"/> as float64 (exact: every float is a double).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Widen4(ReadOnlySpan<float> values, int i)
    {
        var floats = Vector128.Create(values.Slice(i, Lanes));
        return Avx.IsSupported
            ? Avx.ConvertToVector256Double(floats)
            : Vector256.Create(Vector128.WidenLower(floats), Vector128.WidenUpper(floats));
    }
}
