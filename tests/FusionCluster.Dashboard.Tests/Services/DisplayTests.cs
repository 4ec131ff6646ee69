using FusionCluster.Dashboard.Formatting;
using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Dashboard.Tests.Services;

public sealed class DisplayTests
{
    [Theory]
    [InlineData(0, 10, 0)]
    [InlineData(1999, 2000, 99)]
    [InlineData(2000, 2000, 100)]
    [InlineData(5, 0, 0)]
    public void Percent_rounds_down_so_only_a_finished_job_shows_100(int done, int total, int expected)
    {
        Assert.Equal(expected, Display.Percent(done, total));
    }

    [Theory]
    [InlineData(0, "0 units")]
    [InlineData(1, "1 unit")]
    [InlineData(2, "2 units")]
    [InlineData(12, "12 units")]
    public void A_count_takes_the_plural_except_for_one(long count, string expected)
    {
        Assert.Equal(expected, Display.Count(count, "unit"));
    }

    [Fact]
    public void Eta_follows_the_pace_so_far()
    {
        Assert.Equal(30, Display.EtaSeconds(JobState.Running, 25, 100, 10));
        Assert.Null(Display.EtaSeconds(JobState.Running, 0, 100, 10));
        Assert.Null(Display.EtaSeconds(JobState.Succeeded, 100, 100, 10));
        Assert.Equal("publishing", Display.Eta(JobState.Publishing, 100, 100, 10));
    }

    [Theory]
    [InlineData(512, "512 B")]
    [InlineData(1536, "1.5 KiB")]
    [InlineData(3L << 30, "3.0 GiB")]
    public void Bytes_use_binary_units(long bytes, string expected)
    {
        Assert.Equal(expected, Display.Bytes(bytes));
    }

    [Theory]
    [InlineData("layer 12", "12")]
    [InlineData("probe 7", "7")]
    [InlineData("layers.12", "12")]
    [InlineData("model.layers.3", "3")]
    [InlineData("embeddings", "E")]
    [InlineData("head", "H")]
    public void Short_unit_name_is_the_layer_number_or_an_initial(string name, string expected)
    {
        Assert.Equal(expected, Display.ShortUnitName(name));
    }
}
