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

    [Fact]
    public void A_lent_chunk_is_the_kept_one_read_and_lent_again_without_decoding()
    {
        var inner = new CountingSource(Values);
        using var sharing = new ChunkSharingSource(inner);
        var lent = sharing.Lend(3, 4);
        Assert.Equal([4.5f, 6f, 7.5f, 9f], lent.ToArray());

        var read = new float[4];
        sharing.Read(3, read);
        Assert.Equal(lent.ToArray(), read);
        Assert.True(sharing.Lend(3, 4).Span == lent.Span, "the same chunk is lent from the same place");
        Assert.Equal(1, inner.Reads);

        Assert.Equal([0f, 1.5f], sharing.Lend(0, 2).ToArray());
        Assert.Equal(2, inner.Reads);
    }

    [Fact]
    public void A_read_that_fails_leaves_no_chunk_kept()
    {
        // The failed read of another chunk wrote into the kept buffer before it failed: the chunk kept before is gone.
        var inner = new CountingSource(Values);
        using var sharing = new ChunkSharingSource(inner);
        Assert.Equal([0f, 1.5f, 3f], sharing.Lend(0, 3).ToArray());
        inner.FailNext = true;
        Assert.Throws<IOException>(() => sharing.Lend(6, 3));

        Assert.Equal([0f, 1.5f, 3f], sharing.Lend(0, 3).ToArray());
        Assert.Equal(3, inner.Reads);
    }

    private sealed class CountingSource(float[] values) : TensorSource
    {
        public int Reads { get; private set; }

        /// <summary>The next read writes garbage into its destination, then fails as a disk error would.</summary>
        public bool FailNext { get; set; }

        public override IReadOnlyList<long> Shape => [values.Length];

        public override void Read(long start, Span<float> destination)
        {
            Reads++;
            if (FailNext)
            {
                FailNext = false;
                destination.Fill(float.NaN);
                throw new IOException("the disk failed");
            }

            values.AsSpan((int)start, destination.Length).CopyTo(destination);
        }
    }
}
