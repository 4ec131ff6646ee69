using FusionCluster.Core.Execution;
using FusionCluster.Core.Methods;

namespace FusionCluster.Core.Tests.Execution;

public sealed class ChunkSharingSourceTests
{
    private static readonly float[] Values = Enumerable.Range(0, 10).Select(i => i * 1.5f).ToArray();

    [Fact]
    public void The_second_read_of_the_same_chunk_gives_the_same_values_without_decoding_again()
    {
        var inner = new CountingSource(Values);
        using var sharing = new ChunkSharingSource(inner);
        var first = new float[4];
        var second = new float[4];
        sharing.Read(3, first);
        sharing.Read(3, second);

        Assert.Equal([4.5f, 6f, 7.5f, 9f], first);
        Assert.Equal(first, second);
        Assert.Equal(1, inner.Reads);
    }

    [Fact]
    public void A_read_of_another_chunk_or_length_decodes_it()
    {
        var inner = new CountingSource(Values);
        using var sharing = new ChunkSharingSource(inner);
        var values = new float[4];
        sharing.Read(0, values);
        sharing.Read(4, values);
        Assert.Equal([6f, 7.5f, 9f, 10.5f], values);

        var longer = new float[6];
        sharing.Read(4, longer);
        Assert.Equal([6f, 7.5f, 9f, 10.5f, 12f, 13.5f], longer);

        var shorter = new float[2];
        sharing.Read(4, shorter);
        Assert.Equal([6f, 7.5f], shorter);
        Assert.Equal(4, inner.Reads);
    }

    [Fact]
    public void Values_a_reader_changes_in_its_own_buffer_do_not_reach_the_next_reader()
    {
        // The candidates turn their inputs into task deltas in place; the scorer must still read the inputs.
        using var sharing = new ChunkSharingSource(new CountingSource(Values));
        var candidates = new float[3];
        sharing.Read(1, candidates);
        candidates.AsSpan().Fill(-1);
        var scorer = new float[3];
        sharing.Read(1, scorer);
        Assert.Equal([1.5f, 3f, 4.5f], scorer);
    }

    private sealed class CountingSource(float[] values) : TensorSource
    {
        public int Reads { get; private set; }

        public override IReadOnlyList<long> Shape => [values.Length];

        public override void Read(long start, Span<float> destination)
        {
            Reads++;
            values.AsSpan((int)start, destination.Length).CopyTo(destination);
        }
    }
}
