using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace FusionCluster.Core.Tensors.Lanes;

/// <summary>512-bit vectors of float32 for <see cref="IFloatLanes{TVector}"/>' kernels.</summary>
public readonly struct FloatLanes512 : IFloatLanes<Vector512<float>>
{
    public static int Count => Vector512<float>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load(ref float source, nuint offset) => Vector512.LoadUnsafe(ref source, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<float> values, ref float destination, nuint offset) => values.StoreUnsafe(ref destination, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Broadcast(float value) => Vector512.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Add(Vector512<float> left, Vector512<float> right) => left + right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Subtract(Vector512<float> left, Vector512<float> right) => left - right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Multiply(Vector512<float> left, Vector512<float> right) => left * right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> FusedMultiplyAdd(Vector512<float> left, Vector512<float> right, Vector512<float> addend) =>
        Vector512.FusedMultiplyAdd(left, right, addend);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Signs(Vector512<float> values) =>
        (uint)Vector512.GreaterThan(values, Vector512<float>.Zero).ExtractMostSignificantBits()
        | ((uint)Vector512.LessThan(values, Vector512<float>.Zero).ExtractMostSignificantBits() << 16);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int CountZeros(Vector512<float> values) =>
        BitOperations.PopCount((uint)Vector512.Equals(values, Vector512<float>.Zero).ExtractMostSignificantBits());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> RoundFiniteThroughBFloat16(Vector512<float> values, ref Vector512<float> largestExponent)
    {
        // DTypeCodec's rounding without its NaN case: adding 0x7FFF plus the lowest kept bit rounds ties to even.
        var bits = values.AsUInt32();
        largestExponent = Vector512.Max(largestExponent.AsUInt32(), bits & Vector512.Create(0x7F800000u)).AsSingle();
        return ((bits + Vector512.Create(0x7FFFu) + ((bits >>> 16) & Vector512<uint>.One)) & Vector512.Create(0xFFFF0000u)).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AllFinite(Vector512<float> largestExponent) =>
        Vector512.LessThanAll(largestExponent.AsUInt32(), Vector512.Create(0x7F800000u));
}
