using FusionCluster.Core.Methods.Kernels;

namespace FusionCluster.Core.Tests.Methods.Kernels;

public sealed class RandomKeepMaskTests
{
    [Theory]
    [InlineData(0.0)]
    [InlineData(0.1)]
    [InlineData(0.5)]
    [InlineData(0.9)]
    [InlineData(1.0)]
    [InlineData(1.0 / 3)]
    public void Vector_decisions_equal_the_scalar_definition_uniform_below_density(double density)
    {
        var stream = RandomKeepMask.StreamSeed(12345, 2);
        const long start = 1_000_003;
        const int length = 10_007;
        var keep = new bool[length];
        var values = Enumerable.Repeat(1f, length).ToArray();

        RandomKeepMask.Fill(stream, density, start, keep);
        RandomKeepMask.Apply(stream, density, start, values);

        for (var k = 0; k < length; k++)
        {
            var expected = CounterRng.Uniform(stream, start + k) < density;
            Assert.True(expected == keep[k], $"Fill: element {start + k}");
            Assert.True(expected == (values[k] == 1f), $"Apply: element {start + k}");
        }
    }

    [Fact]
    public void A_density_exactly_at_a_draw_keeps_only_the_draws_below_it()
    {
        // Take a real draw as the density: that element must be dropped (not below), its neighbours decided as usual.
        var stream = RandomKeepMask.StreamSeed(7, 0);
        var density = CounterRng.Uniform(stream, 42);
        var keep = new bool[64];

        RandomKeepMask.Fill(stream, density, 0, keep);

        Assert.False(keep[42]);
        for (var k = 0; k < keep.Length; k++)
        {
            Assert.Equal(CounterRng.Uniform(stream, k) < density, keep[k]);
        }
    }

    [Theory]
    [InlineData(0.0, 77_777)]
    [InlineData(0.3, 77_777)]
    [InlineData(1.0, 77_777)]
    // Indices past 2^32 and across 2^63, whose products with the golden ratio the vector paths carry from one step to the next.
    [InlineData(0.3, (1L << 40) - 501)]
    [InlineData(0.3, long.MaxValue - 500)]
    public void Bit_decisions_and_raw_draws_equal_the_scalar_definition(double density, long start)
    {
        var stream = RandomKeepMask.StreamSeed(999, 1);
        const int length = 1_000 + 37; // a partial last word and a scalar tail
        var bits = new ulong[KeepBits.Words(length)];
        var draws = new ulong[length];

        RandomKeepMask.FillBits(stream, density, start, length, bits);
        RandomKeepMask.FillDraws(stream, start, draws);

        for (var k = 0; k < length; k++)
        {
            var uniform = CounterRng.Uniform(stream, start + k);
            Assert.True((uniform < density) == KeepBits.Get(bits, k), $"FillBits: element {start + k}");
            Assert.Equal(uniform, draws[k] * (1.0 / (1UL << 53)));
        }
        Assert.Equal(0UL, bits[^1] >> (length & 63));
    }
}
