using FusionCluster.Core.Methods.Kernels;

namespace FusionCluster.Core.Tests.Methods.Kernels;

public sealed class StableRadixOrderTests
{
    [Theory]
    [InlineData(1, 1000)]
    [InlineData(5000, 20)]            // many equal keys: ties must stay in column order
    [InlineData(777, int.MaxValue)]   // keys over all four digits
    public void The_order_is_that_of_sorting_key_then_column(int n, int distinct)
    {
        var rng = new Random(n);
        var keys = Enumerable.Range(0, n).Select(_ => distinct == int.MaxValue ? (uint)rng.NextInt64(0, 1L << 31) : (uint)rng.Next(distinct) * 0x01010101u).ToArray();
        var expected = keys.Select((k, c) => ((ulong)k << 32) | (uint)c).Order().Select(packed => (int)(packed & 0xFFFFFFFF)).ToArray();
        var order = new int[n];

        var sorted = keys.ToArray();
        StableRadixOrder.Sort(sorted, order, new uint[n], new int[n]);

        Assert.Equal(expected, order);
        Assert.Equal(keys.Order().ToArray(), sorted);
    }
}
