using FusionCluster.Core.Methods.Kernels;

namespace FusionCluster.Core.Tests.Methods.Kernels;

public sealed class BatchedTopKSelectionTests
{
    /// <summary>Large enough that the sampled band is used rather than the small-tensor radix path.</summary>
    private const int N = 600_000;

    private const int Chunk = 50_000;

    public static TheoryData<string, long> BandCases => new()
    {
        { "distinct", 1 },
        { "distinct", N / 2 },
        { "distinct", N - 1 },
        { "ties", 12_345 },
        { "ties", N / 2 },
        { "ties", N - 77 },
    };

    [Theory]
    [MemberData(nameof(BandCases))]
    public void Band_selection_is_the_stable_sort_prefix_without_a_fallback(string data, long k)
    {
        var values = Values(data, seed: (int)k);
        var plan = new ChunkPlan(N, Chunk);

        var selection = BatchedTopKSelection.Select(plan, 1, [new(0, k)], Filler([values]),
            _ => throw new Xunit.Sdk.XunitException("the band should have settled this selection"))[0];

        AssertSelects(plan, selection, values, k);
    }

    /// <summary>
    /// Four distinct magnitudes, 3, 2 and 1 two sevenths of the tensor each and 0 a seventh (as a task vector of bf16
    /// checkpoints holds a handful of magnitudes): the band's ends are tie groups, counted rather than kept, so the band
    /// settles the selection wherever k falls, inside a group, at a group's end, or one or 5,000 either side of it. These
    /// overflowed the band before and took two more passes.
    /// </summary>
    [Fact]
    public void Heavy_ties_settle_in_the_band_without_a_fallback()
    {
        var rng = new Random(3);
        var values = Enumerable.Range(0, N).Select(_ => (float)rng.Next(-3, 4)).ToArray();
        // Chunks of 4,999 hold about 1,400 ties of a group each, so a selection 5,000 into a group spans several, and
        // leave a remainder after whole vectors, so the scalar tail counts too.
        var plan = new ChunkPlan(N, 4_999);
        var groupEnds = new[] { 3, 2, 1 }.Select(m => (long)values.Count(v => Math.Abs(v) >= m));
        long[] inside = [N / 3, N * 95 / 100];
        foreach (var k in inside.Concat(groupEnds.SelectMany(end => new[] { end - 5_000, end - 1, end, end + 1, end + 5_000 })))
        {
            var selection = BatchedTopKSelection.Select(plan, 1, [new(0, k)], Filler([values]),
                _ => throw new Xunit.Sdk.XunitException($"k = {k}: the band should have settled this selection"))[0];

            AssertSelects(plan, selection, values, k);
        }
    }

    [Fact]
    public void A_sample_that_misses_the_large_values_falls_back_to_the_same_exact_set()
    {
        // Large values only between the sampled blocks (256 blocks of 64 at a stride of (N - 64) / 255),
        // so the sample puts the band far below the true threshold.
        var stride = (N - 64) / 255;
        var rng = new Random(4);
        var values = Enumerable.Range(0, N).Select(i => i % stride < 64 ? (float)rng.NextDouble() : 10 + (float)rng.NextDouble()).ToArray();
        AssertTheMedianFallsBackOnceToTheExactSet(values);
    }

    [Fact]
    public void A_band_too_full_to_keep_is_abandoned_for_the_same_exact_set()
    {
        // The sampled blocks spread over [0, 1), so the band for the median is about [0.484, 0.516]; every element between
        // them lies at 0.49-0.51, strictly inside it: far more than the band may keep (an eighth of the tensor).
        var stride = (N - 64) / 255;
        var rng = new Random(5);
        var values = Enumerable.Range(0, N).Select(i => i % stride < 64 ? (float)rng.NextDouble() : 0.49f + (0.02f * (float)rng.NextDouble())).ToArray();
        AssertTheMedianFallsBackOnceToTheExactSet(values);
    }

    [Fact]
    public void Several_requests_over_several_sources_are_each_exact()
    {
        var first = Values("distinct", seed: 11);
        var second = Values("ties", seed: 12);
        var plan = new ChunkPlan(N, Chunk);
        BatchedTopKSelection.Request[] requests = [new(0, N / 10), new(1, N - N / 10), new(1, N / 100)];

        var selections = BatchedTopKSelection.Select(plan, 2, requests, Filler([first, second]), source => SingleFiller(source == 0 ? first : second));

        AssertSelects(plan, selections[0], first, N / 10);
        AssertSelects(plan, selections[1], second, N - N / 10);
        AssertSelects(plan, selections[2], second, N / 100);
    }

    private static void AssertTheMedianFallsBackOnceToTheExactSet(float[] values)
    {
        var plan = new ChunkPlan(N, Chunk);
        var fallbacks = 0;

        var selection = BatchedTopKSelection.Select(plan, 1, [new(0, N / 2)], Filler([values]), _ =>
        {
            fallbacks++;
            return SingleFiller(values);
        })[0];

        Assert.Equal(1, fallbacks);
        AssertSelects(plan, selection, values, N / 2);
    }

    private static float[] Values(string data, int seed)
    {
        var rng = new Random(seed);
        return data switch
        {
            "distinct" => Enumerable.Range(0, N).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray(),
            // About 4000 distinct magnitudes, so a few hundred elements tie at any threshold.
            "ties" => Enumerable.Range(0, N).Select(_ => rng.Next(-4000, 4001) / 1000f).ToArray(),
            _ => throw new ArgumentOutOfRangeException(nameof(data)),
        };
    }

    /// <summary>Sources read against a zero origin, so their keys are |value|.</summary>
    private static BatchedTopKSelection.DeltaFiller Filler(float[][] sources) => (start, length, origin, values) =>
    {
        origin.Clear();
        for (var s = 0; s < sources.Length; s++)
        {
            sources[s].AsSpan((int)start, length).CopyTo(values.Slice(s * length, length));
        }
    };

    private static KeyFiller SingleFiller(float[] values) => (start, keys) =>
    {
        for (var j = 0; j < keys.Length; j++)
        {
            keys[j] = SortKeys.Abs(values[start + j]);
        }
    };

    /// <summary>The selection marks exactly the first k indices of a stable descending sort of |value|.</summary>
    private static void AssertSelects(ChunkPlan plan, TopKSelection selection, float[] values, long k)
    {
        var order = Enumerable.Range(0, values.Length).ToArray();
        var magnitudes = values.Select(Math.Abs).ToArray();
        Array.Sort(order, (a, b) => magnitudes[b].CompareTo(magnitudes[a]) is var c and not 0 ? c : a.CompareTo(b));
        var expected = new bool[values.Length];
        foreach (var i in order.Take((int)k))
        {
            expected[i] = true;
        }

        var marked = 0L;
        for (var c = 0; c < plan.Count; c++)
        {
            var start = (int)plan.Start(c);
            var keys = values.AsSpan(start, plan.Length(c)).ToArray().Select(SortKeys.Abs).ToArray();
            var mark = new byte[keys.Length];
            selection.Mark(c, keys, mark);
            for (var j = 0; j < keys.Length; j++)
            {
                Assert.True(expected[start + j] == (mark[j] == 1), $"element {start + j} (|x| = {magnitudes[start + j]}) is marked {mark[j]}, expected {expected[start + j]}");
                marked += mark[j];
            }
        }

        Assert.Equal(k, marked);
    }
}
