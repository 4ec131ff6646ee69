using FusionCluster.Core.Execution;
using FusionCluster.Core.Methods;
using FusionCluster.Core.Planning;

namespace FusionCluster.Core.Tests.Execution;

public sealed class RowMappedTensorSourceTests
{
    // Own tensor: 3 rows of 3 columns; other: 2 rows of 4 columns (only the first 3 are read).
    private static readonly ArrayTensorSource Own = new([1, 2, 3, 4, 5, 6, 7, 8, 9], 3, 3);
    private static readonly ArrayTensorSource Other = new([10, 20, 30, 99, 40, 50, 60, 99], 2, 4);

    private static readonly RowMap Map = new()
    {
        Rows = 8,
        RealRows = 6,
        Sources = [new("own", "e"), new("other", "e")],
        Runs = [new(0, 2, 0, 1), new(2, 1, 1, 1), new(4, 1, 0, 0)],
        Means = [new(3, [new(0, 1), new(1, 0)])],
    };

    [Fact]
    public void Rows_come_from_runs_means_zeros_and_the_padding_mean()
    {
        var source = new RowMappedTensorSource([Own, Other], Map, 3);

        var all = new float[24];
        source.Read(0, all);

        float[] expected =
        [
            4, 5, 6,        // own row 1
            7, 8, 9,        // own row 2
            40, 50, 60,     // other row 1, cropped to 3 columns
            7, 12.5f, 18,   // mean of own row 1 and other row 0
            1, 2, 3,        // own row 0
            0, 0, 0,        // in no run and no mean: zeros
            59 / 6f, 77.5f / 6, 16, // padding: mean of the six real rows
            59 / 6f, 77.5f / 6, 16,
        ];
        Assert.Equal([8L, 3L], source.Shape);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], all[i], 5);
        }
    }

    [Fact]
    public void A_read_may_start_and_end_inside_rows()
    {
        var source = new RowMappedTensorSource([Own, Other], Map, 3);
        var all = new float[24];
        source.Read(0, all);

        for (var start = 0; start < 24; start++)
        {
            for (var length = 1; start + length <= 24; length += 2)
            {
                var part = new float[length];
                source.Read(start, part);
                Assert.Equal(all.AsSpan(start, length).ToArray(), part);
            }
        }
    }

    [Fact]
    public void The_sources_must_match_the_map()
    {
        Assert.Throws<ArgumentException>(() => new RowMappedTensorSource([Own], Map, 3));
    }
}
