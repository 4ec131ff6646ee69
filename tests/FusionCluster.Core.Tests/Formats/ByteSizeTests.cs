using FusionCluster.Core.Formats;

namespace FusionCluster.Core.Tests.Formats;

public sealed class ByteSizeTests
{
    [Theory]
    [InlineData("5GB", 5_000_000_000L)]
    [InlineData("500MB", 500_000_000L)]
    [InlineData("1.5G", 1_500_000_000L)]
    [InlineData("5B", 5_000_000_000L)]
    [InlineData("1024", 1024L)]
    [InlineData("2GiB", 2L * 1024 * 1024 * 1024)]
    [InlineData("10 kb", 10_000L)]
    [InlineData(" 3M ", 3_000_000L)]
    [InlineData("1T", 1_000_000_000_000L)]
    [InlineData("0.5KiB", 512L)]
    public void Parses(string text, long expected) => Assert.Equal(expected, ByteSize.Parse(text));

    [Theory]
    [InlineData("")]
    [InlineData("GB")]
    [InlineData("-5GB")]
    [InlineData("5XB")]
    [InlineData("five")]
    [InlineData("1e3")]
    [InlineData("99999999999T")]
    public void Rejects(string text)
    {
        Assert.False(ByteSize.TryParse(text, out _));
        var error = Assert.Throws<FormatException>(() => ByteSize.Parse(text));
        Assert.Contains($"'{text}'", error.Message);
    }
}
