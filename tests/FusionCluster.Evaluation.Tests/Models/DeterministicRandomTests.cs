using FusionCluster.Evaluation.Models;

namespace FusionCluster.Evaluation.Tests.Models;

public sealed class DeterministicRandomTests
{
    [Fact]
    public void The_sequence_is_splitmix64()
    {
        // Reference SplitMix64 (Vigna) for seed 1234567, computed with a separate implementation.
        var random = new DeterministicRandom(1234567);

        Assert.Equal(6457827717110365317UL, random.NextUInt64());
        Assert.Equal(3203168211198807973UL, random.NextUInt64());
        Assert.Equal(9817491932198370423UL, random.NextUInt64());
    }

    [Fact]
    public void Shuffle_is_a_permutation_fixed_by_the_seed()
    {
        int[] a = [.. Enumerable.Range(0, 100)], b = [.. Enumerable.Range(0, 100)], c = [.. Enumerable.Range(0, 100)];
        new DeterministicRandom(7).Shuffle(a);
        new DeterministicRandom(7).Shuffle(b);
        new DeterministicRandom(8).Shuffle(c);

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.Equal(Enumerable.Range(0, 100), a.Order());
    }

    [Fact]
    public void Draws_stay_in_range()
    {
        var random = new DeterministicRandom(3);
        for (var i = 0; i < 10_000; i++)
        {
            var d = random.NextDouble();
            Assert.InRange(d, 0.0, 0.9999999999999999);
            Assert.InRange(random.NextInt(3), 0, 2);
        }
    }
}
