using System.Runtime.InteropServices;
using FusionCluster.Core.Tensors;

namespace FusionCluster.Core.Tests.Tensors;

public sealed class DTypeCodecTests
{
    // Lengths straddling every vector width (8, 16, 32 floats) so both the vector loops and the scalar tail run.
    private static readonly int[] Lengths = [0, 1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 1000, 4099];

    private static readonly float[] EdgeValues =
    [
        0f, -0f, 1f, -1f, 0.5f, 3.14159265f, -2.71828f,
        float.Epsilon, -float.Epsilon, 1e-40f, -1e-40f, 1.17549435e-38f, // subnormals and the smallest normal
        float.MaxValue, float.MinValue, float.PositiveInfinity, float.NegativeInfinity,
        float.NaN, BitConverter.UInt32BitsToSingle(0x7F800001), BitConverter.UInt32BitsToSingle(0xFFC00001), BitConverter.UInt32BitsToSingle(0x7FFFFFFF),
        // bf16 ties: exactly halfway, with an even and an odd kept mantissa.
        BitConverter.UInt32BitsToSingle(0x3F808000), BitConverter.UInt32BitsToSingle(0x3F818000),
        BitConverter.UInt32BitsToSingle(0x3F808001), BitConverter.UInt32BitsToSingle(0x3F807FFF),
        BitConverter.UInt32BitsToSingle(0x7F7F8000), // rounds up to infinity
        BitConverter.UInt32BitsToSingle(0x7F7F7FFF), // largest value that stays finite
        // f16 edges: max, overflow, ties, subnormals, underflow.
        65504f, 65519.99f, 65520f, 1e6f, -1e6f, 6.1035156e-5f, 5.9604645e-8f, 2.9802322e-8f, 2.98023259e-8f, 1e-9f,
        1.00048828125f, 1.00146484375f, 2049f, 2051f,
    ];

    [Fact]
    public void Bf16_decode_matches_scalar_for_every_bit_pattern()
    {
        var bits = Enumerable.Range(0, 65536).Select(i => (ushort)i).ToArray();
        var decoded = new float[bits.Length];
        DTypeCodec.Decode(DType.BF16, MemoryMarshal.AsBytes(bits.AsSpan()), decoded);
        for (var i = 0; i < bits.Length; i++)
        {
            Assert.Equal((uint)bits[i] << 16, BitConverter.SingleToUInt32Bits(decoded[i]));
        }
    }

    [Fact]
    public void Bf16_encode_matches_reference_on_edge_values()
    {
        foreach (var length in Lengths)
        {
            var values = Enumerable.Range(0, length).Select(i => EdgeValues[i % EdgeValues.Length]).ToArray();
            AssertBf16Encode(values);
        }
    }

    [Fact]
    public void Bf16_encode_matches_reference_on_random_bits()
    {
        var random = new Random(1234);
        foreach (var length in Lengths)
        {
            var values = Enumerable.Range(0, length).Select(_ => BitConverter.UInt32BitsToSingle((uint)random.NextInt64(0, 1L << 32))).ToArray();
            AssertBf16Encode(values);
        }

        var normal = Enumerable.Range(0, 100_003).Select(_ => (float)(random.NextDouble() * 2 - 1) * 0.05f).ToArray();
        AssertBf16Encode(normal);
    }

    [Fact]
    public void Bf16_rounds_ties_to_even_and_overflows_to_infinity()
    {
        Assert.Equal(0x3F80, DTypeCodec.SingleToBFloat16(BitConverter.UInt32BitsToSingle(0x3F808000)));
        Assert.Equal(0x3F82, DTypeCodec.SingleToBFloat16(BitConverter.UInt32BitsToSingle(0x3F818000)));
        Assert.Equal(0x3F81, DTypeCodec.SingleToBFloat16(BitConverter.UInt32BitsToSingle(0x3F808001)));
        Assert.Equal(0x7F80, DTypeCodec.SingleToBFloat16(BitConverter.UInt32BitsToSingle(0x7F7F8000)));
        Assert.Equal(0x7F80, DTypeCodec.SingleToBFloat16(float.PositiveInfinity));
        Assert.Equal(0x8000, DTypeCodec.SingleToBFloat16(-0f));
        Assert.Equal(0x7FC0, DTypeCodec.SingleToBFloat16(BitConverter.UInt32BitsToSingle(0x7F800001)));
    }

    [Fact]
    public void F16_decode_matches_half_for_every_bit_pattern()
    {
        var bits = Enumerable.Range(0, 65536).Select(i => (ushort)i).ToArray();
        var decoded = new float[bits.Length];
        DTypeCodec.Decode(DType.F16, MemoryMarshal.AsBytes(bits.AsSpan()), decoded);
        for (var i = 0; i < bits.Length; i++)
        {
            var expected = (float)BitConverter.UInt16BitsToHalf(bits[i]);
            if (float.IsNaN(expected))
            {
                Assert.True(float.IsNaN(decoded[i]), $"0x{bits[i]:X4}");
            }
            else
            {
                Assert.Equal(BitConverter.SingleToUInt32Bits(expected), BitConverter.SingleToUInt32Bits(decoded[i]));
            }
        }
    }

    [Fact]
    public void F16_encode_matches_half_on_edge_and_random_values()
    {
        var random = new Random(99);
        foreach (var length in Lengths)
        {
            AssertF16Encode(Enumerable.Range(0, length).Select(i => EdgeValues[i % EdgeValues.Length]).ToArray());
            AssertF16Encode(Enumerable.Range(0, length).Select(_ => BitConverter.UInt32BitsToSingle((uint)random.NextInt64(0, 1L << 32))).ToArray());
            AssertF16Encode(Enumerable.Range(0, length).Select(_ => (float)((random.NextDouble() - 0.5) * 200_000)).ToArray());
        }
    }

    [Fact]
    public void F32_and_F64_round_trip_exactly()
    {
        var values = EdgeValues.Where(v => !float.IsNaN(v)).ToArray();
        foreach (var dtype in new[] { DType.F32, DType.F64 })
        {
            var bytes = new byte[values.Length * dtype.ElementSize()];
            DTypeCodec.Encode(dtype, values, bytes);
            var back = new float[values.Length];
            DTypeCodec.Decode(dtype, bytes, back);
            Assert.Equal(values.Select(BitConverter.SingleToUInt32Bits), back.Select(BitConverter.SingleToUInt32Bits));
        }

        var f64 = new byte[8];
        BitConverter.TryWriteBytes(f64, 0.1);
        var one = new float[1];
        DTypeCodec.Decode(DType.F64, f64, one);
        Assert.Equal((float)0.1, one[0]);
    }

    [Fact]
    public void Integers_truncate_saturate_and_map_nan_to_zero()
    {
        float[] values = [1.9f, -1.9f, 300f, -300f, float.NaN, 127f, -128f, 0f];
        var i8 = new byte[values.Length];
        DTypeCodec.Encode(DType.I8, values, i8);
        Assert.Equal(new sbyte[] { 1, -1, 127, -128, 0, 127, -128, 0 }, i8.Select(b => (sbyte)b));

        var u8 = new byte[values.Length];
        DTypeCodec.Encode(DType.U8, values, u8);
        Assert.Equal(new byte[] { 1, 0, 255, 0, 0, 127, 0, 0 }, u8);

        var i64 = new byte[values.Length * 8];
        DTypeCodec.Encode(DType.I64, [1e30f, -1e30f, 5.5f, float.NaN, 0, 0, 0, 0], i64);
        Assert.Equal(new long[] { long.MaxValue, long.MinValue, 5, 0, 0, 0, 0, 0 }, MemoryMarshal.Cast<byte, long>(i64).ToArray());

        foreach (var dtype in new[] { DType.I64, DType.I32, DType.I16, DType.I8, DType.U8, DType.Bool })
        {
            float[] small = [0, 1, 2, 100, 0, 1, 3];
            if (dtype == DType.Bool)
            {
                small = [0, 1, 1, 0, 1];
            }

            var bytes = new byte[small.Length * dtype.ElementSize()];
            DTypeCodec.Encode(dtype, small, bytes);
            var back = new float[small.Length];
            DTypeCodec.Decode(dtype, bytes, back);
            Assert.Equal(small, back);
        }

        var bools = new float[3];
        DTypeCodec.Decode(DType.Bool, [0, 1, 7], bools);
        Assert.Equal([0f, 1f, 1f], bools);
    }

    [Fact]
    public void F8_decodes_known_values_and_refuses_to_encode()
    {
        var e4m3 = new float[5];
        DTypeCodec.Decode(DType.F8E4M3, [0x7E, 0x01, 0x7F, 0x38, 0xC0], e4m3);
        Assert.Equal(448f, e4m3[0]);
        Assert.Equal(MathF.Pow(2, -9), e4m3[1]);
        Assert.True(float.IsNaN(e4m3[2]));
        Assert.Equal(1f, e4m3[3]);
        Assert.Equal(-2f, e4m3[4]);

        var e5m2 = new float[4];
        DTypeCodec.Decode(DType.F8E5M2, [0x3C, 0x7B, 0x7C, 0x01], e5m2);
        Assert.Equal([1f, 57344f, float.PositiveInfinity, MathF.Pow(2, -16)], e5m2);

        Assert.Throws<NotSupportedException>(() => DTypeCodec.Encode(DType.F8E4M3, [1f], new byte[1]));
    }

    [Fact]
    public void Length_mismatch_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => DTypeCodec.Decode(DType.BF16, new byte[5], new float[2]));
        Assert.Throws<ArgumentException>(() => DTypeCodec.Encode(DType.F32, new float[2], new byte[4]));
    }

    private static void AssertBf16Encode(float[] values)
    {
        var bytes = new byte[values.Length * 2];
        DTypeCodec.Encode(DType.BF16, values, bytes);
        var actual = MemoryMarshal.Cast<byte, ushort>(bytes);
        for (var i = 0; i < values.Length; i++)
        {
            if (!(ReferenceBf16(values[i]) == actual[i]))
            {
                Assert.Fail($"value 0x{BitConverter.SingleToUInt32Bits(values[i]):X8} at {i}: expected 0x{ReferenceBf16(values[i]):X4}, got 0x{actual[i]:X4}");
            }
        }

        var back = new float[values.Length];
        DTypeCodec.Decode(DType.BF16, bytes, back);
        for (var i = 0; i < values.Length; i++)
        {
            Assert.Equal(float.IsNaN(values[i]), float.IsNaN(back[i]));
        }
    }

    // Written from the definition (compare the dropped half with one half-ulp) rather than with the codec's add trick.
    private static ushort ReferenceBf16(float value)
    {
        if (float.IsNaN(value))
        {
            return 0x7FC0;
        }

        var bits = BitConverter.SingleToUInt32Bits(value);
        var upper = bits >> 16;
        var dropped = bits & 0xFFFF;
        if (dropped > 0x8000 || (dropped == 0x8000 && (upper & 1) == 1))
        {
            upper++;
        }

        return (ushort)upper;
    }

    private static void AssertF16Encode(float[] values)
    {
        var bytes = new byte[values.Length * 2];
        DTypeCodec.Encode(DType.F16, values, bytes);
        var actual = MemoryMarshal.Cast<byte, ushort>(bytes);
        for (var i = 0; i < values.Length; i++)
        {
            var expected = BitConverter.HalfToUInt16Bits((Half)values[i]);
            if (float.IsNaN(values[i]))
            {
                Assert.True(Half.IsNaN(BitConverter.UInt16BitsToHalf(actual[i])));
            }
            else
            {
                if (expected != actual[i])
                {
                    Assert.Fail($"value {values[i]:R} at {i}: expected 0x{expected:X4}, got 0x{actual[i]:X4}");
                }
            }
        }
    }

    [Fact]
    public void Rounding_through_bf16_in_place_equals_encoding_and_decoding_and_reports_non_finite_values()
    {
        var random = new Random(11);
        foreach (var length in Lengths)
        {
            // Any bits at all: normal, subnormal, zero, infinite and NaN values of both signs.
            var values = Enumerable.Range(0, length).Select(_ => BitConverter.Int32BitsToSingle(random.Next(int.MinValue, int.MaxValue))).ToArray();
            var expected = RoundTrip(values);
            var rounded = values.ToArray();
            Assert.Equal(values.All(float.IsFinite), DTypeCodec.RoundThroughBFloat16(rounded));
            Assert.Equal(expected.Select(BitConverter.SingleToUInt32Bits), rounded.Select(BitConverter.SingleToUInt32Bits));

            // Finite values, then one infinity or NaN at each place a vector loop or the tail reads it.
            var finite = values.Select(v => float.IsFinite(v) ? v : 1.5f).ToArray();
            Assert.True(DTypeCodec.RoundThroughBFloat16(finite.ToArray()));
            foreach (var place in new[] { 0, length / 2, length - 1 }.Where(p => p >= 0 && p < length).Distinct())
            {
                foreach (var bad in new[] { float.PositiveInfinity, float.NegativeInfinity, float.NaN })
                {
                    var one = finite.ToArray();
                    one[place] = bad;
                    Assert.False(DTypeCodec.RoundThroughBFloat16(one));
                }
            }
        }
    }

    private static float[] RoundTrip(float[] values)
    {
        var bytes = new byte[values.Length * 2];
        DTypeCodec.Encode(DType.BF16, values, bytes);
        var decoded = new float[values.Length];
        DTypeCodec.Decode(DType.BF16, bytes, decoded);
        return decoded;
    }
}
