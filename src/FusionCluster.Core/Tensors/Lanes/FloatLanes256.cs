using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace FusionCluster.Core.Tensors.Lanes;

/// <summary>256-bit vectors of float32 for <see cref="IFloatLanes{TVector}"/>' kernels.</summary>
public readonly struct FloatLanes256 : IFloatLanes<Vector256<float>>
{
    public static int Count => Vector256<float>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load(ref float source, nuint offset) => Vector256.LoadUnsafe(ref source, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<float> values, ref float destination, nuint offset) => values.StoreUnsafe(ref destination, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Broadcast(float value) => Vector256.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Add(Vector256<float> left, Vector256<float> right) => left + right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Subtract(Vector256<float> left, Vector256<float> right) => left - right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Multiply(Vector256<float> left, Vector256<float> right) => left * right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> FusedMultiplyAdd(Vector256<float> left, Vector256<float> right, Vector256<float> addend) =>
        Vector256.FusedMultiplyAdd(left, right, addend);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Signs(Vector256<float> values) =>
        (uint)Vector256.GreaterThan(values, Vector256<float>.Zero).ExtractMostSignificantBits()
        | ((uint)Vector256.LessThan(values, Vector256<float>.Zero).ExtractMostSignificantBits() << 16);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int CountZeros(Vector256<float> values) =>
        BitOperations.PopCount((uint)Vector256.Equals(values, Vector256<float>.Zero).ExtractMostSignificantBits());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> RoundFiniteThroughBFloat16(Vector256<float> values, ref Vector256<float> largestExponent)
    {
        // DTypeCodec's rounding without its NaN case: adding 0x7FFF plus the lowest kept bit rounds ties to even.
        var bits = values.AsUInt32();
        largestExponent = Vector256.Max(largestExponent.AsUInt32(), bits & Vector256.Create(0x7F800000u)).AsSingle();
        return ((bits + Vector256.Create(0x7FFFu) + ((bits >>> 16) & Vector256<uint>.One)) & Vector256.Create(0xFFFF0000u)).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AllFinite(Vector256<float> largestExponent) =>
        Vector256.LessThanAll(largestExponent.AsUInt32(), Vector256.Create(0x7F800000u));
}
