using FusionCluster.Core.Methods.Kernels;

namespace FusionCluster.Core.Tests.Methods;

public sealed class KernelTests
{
    [Theory]
    [InlineData(1000, 1, 37)]
    [InlineData(1000, 333, 37)]
    [InlineData(1000, 999, 1000)]
    [InlineData(257, 100, 1)]
    public void TopK_selection_matches_stable_sort(int n, int k, int chunk)
    {
        var rng = new Random(n + k);
        // Few distinct magnitudes so threshold ties are common.
        var values = Enumerable.Range(0, n).Select(_ => (float)(rng.Next(-20, 21) / 4.0)).ToArray();
        var plan = new ChunkPlan(n, chunk);
        var selection = TopKSelection.Select(plan, k, (start, keys) =>
        {
            for (var j = 0; j < keys.Length; j++)
            {
                keys[j] = SortKeys.Abs(values[start + j]);
            }
        });
        var expected = Enumerable.Range(0, n)
            .OrderByDescending(i => Math.Abs(values[i])).ThenBy(i => i).Take(k).ToHashSet();
        for (var c = 0; c < plan.Count; c++)
        {
            var start = plan.Start(c);
            var keys = values.Skip((int)start).Take(plan.Length(c)).Select(SortKeys.Abs).ToArray();
            var mark = new byte[keys.Length];
            selection.Mark(c, keys, mark);
            for (var j = 0; j < keys.Length; j++)
            {
                Assert.Equal(expected.Contains((int)start + j), mark[j] == 1);
            }
        }
    }

    [Fact]
    public void Ordered_keys_sort_like_floats()
    {
        float[] sorted = [float.NegativeInfinity, -3.5f, -1e-30f, -0f, 0f, 1e-30f, 2f, float.PositiveInfinity];
        for (var i = 1; i < sorted.Length; i++)
        {
            Assert.True(SortKeys.Ordered(sorted[i - 1]) <= SortKeys.Ordered(sorted[i]));
        }
        Assert.Equal(-3.5f, SortKeys.FromOrdered(SortKeys.Ordered(-3.5f)));
        Assert.Equal(2f, SortKeys.FromOrdered(SortKeys.Ordered(2f)));
    }

    [Fact]
    public void Counter_rng_depends_only_on_seed_and_index()
    {
        Assert.Equal(CounterRng.Uniform(5, 123), CounterRng.Uniform(5, 123));
        Assert.NotEqual(CounterRng.Uniform(5, 123), CounterRng.Uniform(6, 123));
        var mean = Enumerable.Range(0, 100000).Average(i => CounterRng.Uniform(9, i));
        Assert.InRange(mean, 0.49, 0.51);
    }

    [Fact]
    public void Row_plan_rounds_chunks_to_whole_rows()
    {
        Assert.Equal(300, ChunkPlan.Rows(1000, 100, 350).ChunkSize);
        Assert.Equal(500, ChunkPlan.Rows(1000, 500, 100).ChunkSize);
    }
}
