using FusionCluster.Core.Methods.Kernels;

namespace FusionCluster.Core.Tests.Methods.Kernels;

public sealed class KeepBitsTests
{
    [Fact]
    public void Apply_zeroes_exactly_the_elements_whose_bit_is_clear()
    {
        const int length = 150;
        var bits = new ulong[KeepBits.Words(length)];
        var values = Enumerable.Range(1, length).Select(v => (float)v).ToArray();
        foreach (var k in new[] { 0, 7, 8, 63, 64, 100, 149 })
        {
            KeepBits.Set(bits, k);
        }

        KeepBits.Apply(bits, values);

        for (var k = 0; k < length; k++)
        {
            var kept = k is 0 or 7 or 8 or 63 or 64 or 100 or 149;
            Assert.Equal(kept ? k + 1f : 0f, values[k]);
        }
    }

    [Fact]
    public void Both_norms_equal_two_separate_in_order_sums_bit_for_bit()
    {
        // Magnitudes spread over many exponents, so any other summation order would round differently.
        var rng = new Random(3);
        const int length = 1000;
        var values = Enumerable.Range(0, length).Select(_ => (float)((rng.NextDouble() - 0.5) * Math.Pow(10, rng.Next(-8, 8)))).ToArray();
        var bits = new ulong[KeepBits.Words(length)];
        for (var k = 0; k < length; k++)
        {
            if (rng.Next(3) > 0)
            {
                KeepBits.Set(bits, k);
            }
        }

        double full = 0;
        foreach (var v in values)
        {
            full += Math.Abs(v);
        }
        var masked = values.Select((v, k) => KeepBits.Get(bits, k) ? v : 0f).ToArray();
        double kept = 0;
        foreach (var v in masked)
        {
            kept += Math.Abs(v);
        }

        var (actualFull, actualKept) = KeepBits.L1(values, bits);

        Assert.Equal(BitConverter.DoubleToInt64Bits(full), BitConverter.DoubleToInt64Bits(actualFull));
        Assert.Equal(BitConverter.DoubleToInt64Bits(kept), BitConverter.DoubleToInt64Bits(actualKept));
    }

    [Theory]
    [InlineData(1003, 0.5)]
    [InlineData(65536, 0.3)]
    [InlineData(7, 0.5)]
    public void Norms_of_bf16_task_vectors_equal_the_in_order_sums_bit_for_bit(int length, double keepShare)
    {
        // x - b of bf16 weights: few significant bits, the case summed out of order because no partial sum rounds.
        var rng = new Random(11);
        float Bf16(double v) => BitConverter.UInt32BitsToSingle(BitConverter.SingleToUInt32Bits((float)v) & 0xFFFF0000u);
        var values = Enumerable.Range(0, length).Select(_ =>
        {
            var w = Bf16((rng.NextDouble() - 0.5) * 0.1);
            return Bf16(w + (rng.NextDouble() - 0.5) * 0.002) - w;
        }).ToArray();
        var bits = new ulong[KeepBits.Words(length)];
        for (var k = 0; k < length; k++)
        {
            if (rng.NextDouble() < keepShare)
            {
                KeepBits.Set(bits, k);
            }
        }

        double full = 0, kept = 0;
        for (var k = 0; k < length; k++)
        {
            full += Math.Abs(values[k]);
            kept += KeepBits.Get(bits, k) ? Math.Abs(values[k]) : 0.0;
        }

        var (actualFull, actualKept) = KeepBits.L1(values, bits);

        Assert.Equal(BitConverter.DoubleToInt64Bits(full), BitConverter.DoubleToInt64Bits(actualFull));
        Assert.Equal(BitConverter.DoubleToInt64Bits(kept), BitConverter.DoubleToInt64Bits(actualKept));
    }

    [Fact]
    public void Norms_with_a_nan_or_an_infinity_are_summed_in_order()
    {
        var values = new[] { 1f, float.NaN, 2f, 3f, 4f, 5f, 6f, 7f, 8f, float.PositiveInfinity, 1f };
        var bits = new ulong[1];
        KeepBits.Set(bits, 0);
        KeepBits.Set(bits, 9);

        var (full, kept) = KeepBits.L1(values, bits);

        Assert.True(double.IsNaN(full));
        Assert.Equal(double.PositiveInfinity, kept);
    }
}
