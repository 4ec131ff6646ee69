using FusionCluster.Evaluation.Datasets;

namespace FusionCluster.Evaluation.Tests.Datasets;

public sealed class ClassSelectionTests
{
    [Theory]
    [InlineData("0,1,2", new[] { 0, 1, 2 })]
    [InlineData("0-3", new[] { 0, 1, 2, 3 })]
    [InlineData("7, 0-2 ,2", new[] { 0, 1, 2, 7 })]
    [InlineData("9", new[] { 9 })]
    public void Lists_and_ranges_give_sorted_distinct_classes(string text, int[] expected) =>
        Assert.Equal(expected, ClassSelection.Parse(text));

    [Theory]
    [InlineData("")]
    [InlineData("a")]
    [InlineData("1,,2")]
    [InlineData("3-1")]
    [InlineData("-1")]
    [InlineData("1-2-3")]
    public void Anything_else_is_a_format_error_quoting_the_text(string text)
    {
        var error = Assert.Throws<FormatException>(() => ClassSelection.Parse(text));

        Assert.Contains($"'{text}'", error.Message, StringComparison.Ordinal);
    }
}
