using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace FusionCluster.Core.Tensors;

/// <summary>
/// Converts between stored tensor bytes (little-endian, as safetensors defines them) and float32. These
/// are the engine's innermost loops, so the half-precision paths are vectorized.
/// </summary>
public static class DTypeCodec
{
    /// <summary>The bf16 pattern PyTorch's scalar conversion gives every NaN.</summary>
    public const ushort BFloat16CanonicalNaN = 0x7FC0;

    private static readonly float[] F8E4M3Table = BuildF8E4M3Table();

    /// <summary>Decodes <paramref name="source"/> (exactly destination.Length elements of <paramref name="dtype"/>).</summary>
    public static void Decode(DType dtype, ReadOnlySpan<byte> source, Span<float> destination)
    {
        CheckPlatform();
        if ((long)destination.Length * dtype.ElementSize() != source.Length)
        {
            throw new ArgumentException(
                $"{source.Length} bytes of {dtype.SafetensorsName()} do not hold {destination.Length} elements.",
                nameof(source));
        }

        switch (dtype)
        {
            case DType.F32:
                MemoryMarshal.Cast<byte, float>(source).CopyTo(destination);
                break;
            case DType.BF16:
                DecodeBFloat16(MemoryMarshal.Cast<byte, ushort>(source), destination);
                break;
            case DType.F16:
                TensorPrimitives.ConvertToSingle(MemoryMarshal.Cast<byte, Half>(source), destination);
                break;
            case DType.F64:
                {
                    var s = MemoryMarshal.Cast<byte, double>(source);
                    for (var i = 0; i < s.Length; i++)
                    {
                        destination[i] = (float)s[i];
                    }

                    break;
                }
            case DType.I64:
                {
                    var s = MemoryMarshal.Cast<byte, long>(source);
                    for (var i = 0; i < s.Length; i++)
                    {
                        destination[i] = s[i];
                    }

                    break;
                }
            case DType.I32:
                {
                    var s = MemoryMarshal.Cast<byte, int>(source);
                    for (var i = 0; i < s.Length; i++)
                    {
                        destination[i] = s[i];
                    }

                    break;
                }
            case DType.I16:
                {
                    var s = MemoryMarshal.Cast<byte, short>(source);
                    for (var i = 0; i < s.Length; i++)
                    {
                        destination[i] = s[i];
                    }

                    break;
                }
            case DType.I8:
                {
                    var s = MemoryMarshal.Cast<byte, sbyte>(source);
                    for (var i = 0; i < s.Length; i++)
                    {
                        destination[i] = s[i];
                    }

                    break;
                }
            case DType.U8:
                for (var i = 0; i < source.Length; i++)
                {
                    destination[i] = source[i];
                }

                break;
            case DType.Bool:
                for (var i = 0; i < source.Length; i++)
                {
                    destination[i] = source[i] != 0 ? 1f : 0f;
                }

                break;
            case DType.F8E4M3:
                for (var i = 0; i < source.Length; i++)
                {
                    destination[i] = F8E4M3Table[source[i]];
                }

                break;
            case DType.F8E5M2:
                // E5M2 is exactly the high byte of an IEEE half.
                for (var i = 0; i < source.Length; i++)
                {
                    destination[i] = (float)BitConverter.UInt16BitsToHalf((ushort)(source[i] << 8));
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Unknown dtype.");
        }
    }

    /// <summary>
    /// Encodes <paramref name="source"/> into <paramref name="destination"/> (exactly source.Length elements).
    /// Floats round to nearest even; integers truncate toward zero and saturate, NaN becoming 0, as a
    /// PyTorch cast does on x86. F8 cannot be encoded: F8 tensors are only copied through.
    /// </summary>
    public static void Encode(DType dtype, ReadOnlySpan<float> source, Span<byte> destination)
    {
        CheckPlatform();
        if ((long)source.Length * dtype.ElementSize() != destination.Length)
        {
            throw new ArgumentException(
                $"{destination.Length} bytes of {dtype.SafetensorsName()} do not hold {source.Length} elements.",
                nameof(destination));
        }

        switch (dtype)
        {
            case DType.F32:
                MemoryMarshal.AsBytes(source).CopyTo(destination);
                break;
            case DType.BF16:
                EncodeBFloat16(source, MemoryMarshal.Cast<byte, ushort>(destination));
                break;
            case DType.F16:
                TensorPrimitives.ConvertToHalf(source, MemoryMarshal.Cast<byte, Half>(destination));
                break;
            case DType.F64:
                {
                    var d = MemoryMarshal.Cast<byte, double>(destination);
                    for (var i = 0; i < source.Length; i++)
                    {
                        d[i] = source[i];
                    }

                    break;
                }
            case DType.I64:
                {
                    var d = MemoryMarshal.Cast<byte, long>(destination);
                    for (var i = 0; i < source.Length; i++)
                    {
                        d[i] = float.IsNaN(source[i]) ? 0 : (long)Math.Clamp(source[i], long.MinValue, long.MaxValue);
                    }

                    break;
                }
            case DType.I32:
                {
                    var d = MemoryMarshal.Cast<byte, int>(destination);
                    for (var i = 0; i < source.Length; i++)
                    {
                        d[i] = (int)ToIntegral(source[i], int.MinValue, int.MaxValue);
                    }

                    break;
                }
            case DType.I16:
                {
                    var d = MemoryMarshal.Cast<byte, short>(destination);
                    for (var i = 0; i < source.Length; i++)
                    {
                        d[i] = (short)ToIntegral(source[i], short.MinValue, short.MaxValue);
                    }

                    break;
                }
            case DType.I8:
                for (var i = 0; i < source.Length; i++)
                {
                    destination[i] = unchecked((byte)(sbyte)ToIntegral(source[i], sbyte.MinValue, sbyte.MaxValue));
                }

                break;
            case DType.U8:
                for (var i = 0; i < source.Length; i++)
                {
                    destination[i] = (byte)ToIntegral(source[i], byte.MinValue, byte.MaxValue);
                }

                break;
            case DType.Bool:
                for (var i = 0; i < source.Length; i++)
                {
                    destination[i] = source[i] != 0f ? (byte)1 : (byte)0;
                }

                break;
            case DType.F8E4M3:
            case DType.F8E5M2:
                throw new NotSupportedException($"Encoding to {dtype.SafetensorsName()} is not supported; F8 tensors are copied through.");
            default:
                throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Unknown dtype.");
        }
    }

    /// <summary>Scalar bf16 -> float32: bf16 is the high half of a float32.</summary>
    public static float BFloat16ToSingle(ushort bits) => BitConverter.UInt32BitsToSingle((uint)bits << 16);

    /// <summary>Scalar float32 -> bf16, rounding to nearest even; every NaN becomes <see cref="BFloat16CanonicalNaN"/>.</summary>
    public static ushort SingleToBFloat16(float value)
    {
        if (float.IsNaN(value))
        {
            return BFloat16CanonicalNaN;
        }

        var bits = BitConverter.SingleToUInt32Bits(value);
        return (ushort)((bits + 0x7FFFu + ((bits >> 16) & 1u)) >> 16);
    }

    private static double ToIntegral(float value, double min, double max) =>
        float.IsNaN(value) ? 0 : Math.Clamp(Math.Truncate((double)value), min, max);

    private static void DecodeBFloat16(ReadOnlySpan<ushort> source, Span<float> destination)
    {
        ref var src = ref MemoryMarshal.GetReference(source);
        ref var dst = ref Unsafe.As<float, uint>(ref MemoryMarshal.GetReference(destination));
        var n = (nuint)source.Length;
        nuint i = 0;

        if (Vector512.IsHardwareAccelerated && n >= (nuint)Vector512<ushort>.Count)
        {
            for (; i + (nuint)Vector512<ushort>.Count <= n; i += (nuint)Vector512<ushort>.Count)
            {
                var (lo, hi) = Vector512.Widen(Vector512.LoadUnsafe(ref src, i));
                (lo << 16).StoreUnsafe(ref dst, i);
                (hi << 16).StoreUnsafe(ref dst, i + (nuint)Vector512<uint>.Count);
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + (nuint)Vector256<ushort>.Count <= n; i += (nuint)Vector256<ushort>.Count)
            {
                var (lo, hi) = Vector256.Widen(Vector256.LoadUnsafe(ref src, i));
                (lo << 16).StoreUnsafe(ref dst, i);
                (hi << 16).StoreUnsafe(ref dst, i + (nuint)Vector256<uint>.Count);
            }
        }

        if (Vector128.IsHardwareAccelerated)
        {
            for (; i + (nuint)Vector128<ushort>.Count <= n; i += (nuint)Vector128<ushort>.Count)
            {
                var (lo, hi) = Vector128.Widen(Vector128.LoadUnsafe(ref src, i));
                (lo << 16).StoreUnsafe(ref dst, i);
                (hi << 16).StoreUnsafe(ref dst, i + (nuint)Vector128<uint>.Count);
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref dst, i) = (uint)Unsafe.Add(ref src, i) << 16;
        }
    }

    private static void EncodeBFloat16(ReadOnlySpan<float> source, Span<ushort> destination)
    {
        ref var src = ref Unsafe.As<float, uint>(ref MemoryMarshal.GetReference(source));
        ref var dst = ref MemoryMarshal.GetReference(destination);
        var n = (nuint)source.Length;
        nuint i = 0;

        if (Vector512.IsHardwareAccelerated && n >= (nuint)Vector512<ushort>.Count)
        {
            for (; i + (nuint)Vector512<ushort>.Count <= n; i += (nuint)Vector512<ushort>.Count)
            {
                var lo = RoundToBFloat16(Vector512.LoadUnsafe(ref src, i));
                var hi = RoundToBFloat16(Vector512.LoadUnsafe(ref src, i + (nuint)Vector512<uint>.Count));
                Vector512.Narrow(lo, hi).StoreUnsafe(ref dst, i);
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + (nuint)Vector256<ushort>.Count <= n; i += (nuint)Vector256<ushort>.Count)
            {
                var lo = RoundToBFloat16(Vector256.LoadUnsafe(ref src, i));
                var hi = RoundToBFloat16(Vector256.LoadUnsafe(ref src, i + (nuint)Vector256<uint>.Count));
                Vector256.Narrow(lo, hi).StoreUnsafe(ref dst, i);
            }
        }

        if (Vector128.IsHardwareAccelerated)
        {
            for (; i + (nuint)Vector128<ushort>.Count <= n; i += (nuint)Vector128<ushort>.Count)
            {
                var lo = RoundToBFloat16(Vector128.LoadUnsafe(ref src, i));
                var hi = RoundToBFloat16(Vector128.LoadUnsafe(ref src, i + (nuint)Vector128<uint>.Count));
                Vector128.Narrow(lo, hi).StoreUnsafe(ref dst, i);
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref dst, i) = SingleToBFloat16(BitConverter.UInt32BitsToSingle(Unsafe.Add(ref src, i)));
        }
    }

    /// <summary>
    /// Leaves each value as encoding it in bf16 and decoding it again would, in one pass and in place, and says whether
    /// every value was finite before (a caller that needs finite values then ignores the rounded ones).
    /// </summary>
    public static bool RoundThroughBFloat16(Span<float> values)
    {
        ref var bits = ref Unsafe.As<float, uint>(ref MemoryMarshal.GetReference(values));
        var n = (nuint)values.Length;
        nuint i = 0;
        var finite = true;
        if (Vector512.IsHardwareAccelerated)
        {
            var exponent = Vector512.Create(0x7F800000u);
            var nonFinite = Vector512<uint>.Zero;
            for (; i + (nuint)Vector512<uint>.Count <= n; i += (nuint)Vector512<uint>.Count)
            {
                var value = Vector512.LoadUnsafe(ref bits, i);
                nonFinite |= Vector512.Equals(value & exponent, exponent);
                (RoundToBFloat16(value) << 16).StoreUnsafe(ref bits, i);
            }

            finite = nonFinite == Vector512<uint>.Zero;
        }

        if (Vector256.IsHardwareAccelerated)
        {
            var exponent = Vector256.Create(0x7F800000u);
            var nonFinite = Vector256<uint>.Zero;
            for (; i + (nuint)Vector256<uint>.Count <= n; i += (nuint)Vector256<uint>.Count)
            {
                var value = Vector256.LoadUnsafe(ref bits, i);
                nonFinite |= Vector256.Equals(value & exponent, exponent);
                (RoundToBFloat16(value) << 16).StoreUnsafe(ref bits, i);
            }

            finite &= nonFinite == Vector256<uint>.Zero;
        }

        for (; i < n; i++)
        {
            var value = BitConverter.UInt32BitsToSingle(Unsafe.Add(ref bits, i));
            finite &= float.IsFinite(value);
            Unsafe.Add(ref bits, i) = (uint)SingleToBFloat16(value) << 16;
        }

        return finite;
    }

    // Adding 0x7FFF plus the lowest kept bit rounds ties to even; the carry into the exponent is what
    // turns values above bf16's max into infinity. NaN needs its own case because rounding could carry
    // a NaN payload into an infinity.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<uint> RoundToBFloat16(Vector512<uint> bits)
    {
        var rounded = (bits + Vector512.Create(0x7FFFu) + ((bits >> 16) & Vector512<uint>.One)) >> 16;
        return Vector512.ConditionalSelect(Vector512.IsNaN(bits.AsSingle()).AsUInt32(), Vector512.Create((uint)BFloat16CanonicalNaN), rounded);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> RoundToBFloat16(Vector256<uint> bits)
    {
        var rounded = (bits + Vector256.Create(0x7FFFu) + ((bits >> 16) & Vector256<uint>.One)) >> 16;
        return Vector256.ConditionalSelect(Vector256.IsNaN(bits.AsSingle()).AsUInt32(), Vector256.Create((uint)BFloat16CanonicalNaN), rounded);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<uint> RoundToBFloat16(Vector128<uint> bits)
    {
        var rounded = (bits + Vector128.Create(0x7FFFu) + ((bits >> 16) & Vector128<uint>.One)) >> 16;
        return Vector128.ConditionalSelect(Vector128.IsNaN(bits.AsSingle()).AsUInt32(), Vector128.Create((uint)BFloat16CanonicalNaN), rounded);
    }

    // float8_e4m3fn (the variant safetensors' F8_E4M3 means): bias 7, no infinities, S.1111.111 is NaN.
    private static float[] BuildF8E4M3Table()
    {
        var table = new float[256];
        for (var b = 0; b < 256; b++)
        {
            var sign = (b & 0x80) != 0 ? -1f : 1f;
            var exponent = (b >> 3) & 0xF;
            var mantissa = b & 0x7;
            table[b] = exponent == 0xF && mantissa == 0x7
                ? float.NaN
                : exponent == 0
                    ? sign * mantissa / 8f * MathF.Pow(2, -6)
                    : sign * (1f + mantissa / 8f) * MathF.Pow(2, exponent - 7);
        }

        return table;
    }

    private static void CheckPlatform()
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("Tensor codecs assume a little-endian machine, as safetensors data is little-endian.");
        }
    }
}
