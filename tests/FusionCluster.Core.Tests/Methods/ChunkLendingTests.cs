using FusionCluster.Core.Execution;
using FusionCluster.Core.Methods;

namespace FusionCluster.Core.Tests.Methods;

public sealed class ChunkLendingTests
{
    private static readonly float[] Values = Enumerable.Range(0, 10).Select(i => i * 1.5f).ToArray();

    [Fact]
    public void A_lenders_values_are_taken_where_they_are_and_the_buffer_is_left_alone()
    {
        using var sharing = new ChunkSharingSource(new ArrayTensorSource(Values));
        var buffer = new float[8];
        var lent = ChunkLending.Read(sharing, 2, 3, buffer);

        Assert.NotSame(buffer, lent);
        Assert.Equal([3f, 4.5f, 6f], lent.AsSpan(0, 3).ToArray());
        Assert.True(sharing.Lend(2, 3).Span == lent.AsSpan(0, 3), "the lender's own array");
        Assert.All(buffer, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Any_other_source_is_read_into_the_buffer()
    {
        var buffer = new float[8];
        var read = ChunkLending.Read(new ArrayTensorSource(Values), 2, 3, buffer);

        Assert.Same(buffer, read);
        Assert.Equal([3f, 4.5f, 6f], buffer.AsSpan(0, 3).ToArray());
    }
}
