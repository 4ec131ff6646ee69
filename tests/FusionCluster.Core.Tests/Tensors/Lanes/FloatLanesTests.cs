using System.Runtime.Intrinsics;
using FusionCluster.Core.Tensors;
using FusionCluster.Core.Tensors.Lanes;

namespace FusionCluster.Core.Tests.Tensors.Lanes;

/// <summary>
/// Each vector width's operations against their scalar definitions, whichever width the machine running the tests
/// accelerates (a 512-bit vector without AVX-512 is emulated, with the same results).
/// </summary>
public sealed class FloatLanesTests
{
    /// <summary>Values whose rounding, sign and zero tests are easy to get wrong: ties, the largest finite bf16, zeros of both signs, tiny values.</summary>
    private static readonly float[] Edges =
    [
        0f, -0f, 1f, -1f, float.Epsilon, -float.Epsilon, 1e-39f, 3.4e38f, -3.39e38f,
        BitConverter.UInt32BitsToSingle(0x3F808000), // 1 + 2^-8: a tie, rounds down to even
        BitConverter.UInt32BitsToSingle(0x3F818000), // a tie that rounds up to even
        BitConverter.UInt32BitsToSingle(0x3F808001), // just above a tie
        BitConverter.UInt32BitsToSingle(0x7F7F7FFF), // rounds to the largest bf16
        BitConverter.UInt32BitsToSingle(0x7F7F8000), // a tie past it: rounds to infinity
        0.1f, -2.5e-5f,
    ];

    public static TheoryData<string> Widths => ["128", "256", "512"];

    [Theory]
    [MemberData(nameof(Widths))]
    public void Finite_values_round_through_bf16_as_the_codec_rounds_them(string width)
    {
        var random = new Random(3);
        var values = Edges.Concat(Enumerable.Range(0, 61).Select(_ => (float)((random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-30, 30))))).ToArray();
        var expected = values.ToArray();
        DTypeCodec.RoundThroughBFloat16(expected);

        var (rounded, allFinite) = Round(width, values);

        Assert.Equal(expected.Take(rounded.Length).Select(BitConverter.SingleToUInt32Bits), rounded.Select(BitConverter.SingleToUInt32Bits));
        Assert.True(allFinite);
    }

    [Theory]
    [InlineData("128", float.PositiveInfinity)]
    [InlineData("256", float.NegativeInfinity)]
    [InlineData("512", float.NaN)]
    [InlineData("256", float.NaN)]
    public void A_value_that_is_not_finite_is_reported(string width, float value)
    {
        var values = Enumerable.Range(0, 64).Select(i => i / 7f).ToArray();
        values[37] = value;

        Assert.False(Round(width, values).AllFinite);
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void Signs_and_zeros_are_the_scalar_comparisons_lane_by_lane(string width)
    {
        float[] values = [.. Edges, float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -0f, 5f, -5f, float.NaN, 0f, 2f, -0f, 1e-45f, -7f, 0f, 1f, -1f];
        var (signs, zeros) = SignsAndZeros(width, values);

        var lanes = signs.Length == 0 ? 0 : values.Length / signs.Length;
        for (var v = 0; v < signs.Length; v++)
        {
            for (var l = 0; l < lanes; l++)
            {
                var x = values[(v * lanes) + l];
                Assert.Equal(x > 0, (signs[v] & (1u << l)) != 0);
                Assert.Equal(x < 0, (signs[v] & (1u << (16 + l))) != 0);
            }
        }

        Assert.Equal(values.Take(signs.Length * lanes).Count(x => x == 0), zeros);
    }

    private static (float[] Values, bool AllFinite) Round(string width, float[] values) => width switch
    {
        "128" => Round<FloatLanes128, Vector128<float>>(values),
        "256" => Round<FloatLanes256, Vector256<float>>(values),
        _ => Round<FloatLanes512, Vector512<float>>(values),
    };

    private static (float[] Values, bool AllFinite) Round<TLanes, TVector>(float[] values)
        where TLanes : struct, IFloatLanes<TVector>
        where TVector : struct
    {
        var output = new float[values.Length / TLanes.Count * TLanes.Count];
        TVector largestExponent = default;
        for (var k = 0; k < output.Length; k += TLanes.Count)
        {
            TLanes.Store(TLanes.RoundFiniteThroughBFloat16(TLanes.Load(ref values[0], (nuint)k), ref largestExponent), ref output[0], (nuint)k);
        }

        return (output, TLanes.AllFinite(largestExponent));
    }

    private static (uint[] Signs, int Zeros) SignsAndZeros(string width, float[] values) => width switch
    {
        "128" => SignsAndZeros<FloatLanes128, Vector128<float>>(values),
        "256" => SignsAndZeros<FloatLanes256, Vector256<float>>(values),
        _ => SignsAndZeros<FloatLanes512, Vector512<float>>(values),
    };

    private static (uint[] Signs, int Zeros) SignsAndZeros<TLanes, TVector>(float[] values)
        where TLanes : struct, IFloatLanes<TVector>
        where TVector : struct
    {
        var signs = new uint[values.Length / TLanes.Count];
        var zeros = 0;
        for (var v = 0; v < signs.Length; v++)
        {
            var vector = TLanes.Load(ref values[0], (nuint)(v * TLanes.Count));
            signs[v] = TLanes.Signs(vector);
            zeros += TLanes.CountZeros(vector);
        }

        return (signs, zeros);
    }
}
