using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace FusionCluster.Core.Tensors.Lanes;

/// <summary>128-bit vectors of float32 for <see cref="IFloatLanes{TVector}"/>' kernels.</summary>
public readonly struct FloatLanes128 : IFloatLanes<Vector128<float>>
{
    public static int Count => Vector128<float>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Load(ref float source, nuint offset) => Vector128.LoadUnsafe(ref source, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector128<float> values, ref float destination, nuint offset) => values.StoreUnsafe(ref destination, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Broadcast(float value) => Vector128.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Add(Vector128<float> left, Vector128<float> right) => left + right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Subtract(Vector128<float> left, Vector128<float> right) => left - right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Multiply(Vector128<float> left, Vector128<float> right) => left * right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> FusedMultiplyAdd(Vector128<float> left, Vector128<float> right, Vector128<float> addend) =>
        Vector128.FusedMultiplyAdd(left, right, addend);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Signs(Vector128<float> values) =>
        (uint)Vector128.GreaterThan(values, Vector128<float>.Zero).ExtractMostSignificantBits()
        | ((uint)Vector128.LessThan(values, Vector128<float>.Zero).ExtractMostSignificantBits() << 16);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int CountZeros(Vector128<float> values) =>
        BitOperations.PopCount((uint)Vector128.Equals(values, Vector128<float>.Zero).ExtractMostSignificantBits());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> RoundFiniteThroughBFloat16(Vector128<float> values, ref Vector128<float> largestExponent)
    {
        // DTypeCodec's rounding without its NaN case: adding 0x7FFF plus the lowest kept bit rounds ties to even.
        var bits = values.AsUInt32();
        largestExponent = Vector128.Max(largestExponent.AsUInt32(), bits & Vector128.Create(0x7F800000u)).AsSingle();
        return ((bits + Vector128.Create(0x7FFFu) + ((bits >>> 16) & Vector128<uint>.One)) & Vector128.Create(0xFFFF0000u)).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AllFinite(Vector128<float> largestExponent) =>
        Vector128.LessThanAll(largestExponent.AsUInt32(), Vector128.Create(0x7F800000u));
}
