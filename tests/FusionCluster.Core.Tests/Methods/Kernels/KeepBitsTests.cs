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
}
