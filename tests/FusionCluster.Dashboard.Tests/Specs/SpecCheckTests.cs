using FusionCluster.Core.Synthesis;
using FusionCluster.Dashboard.Specs;

namespace FusionCluster.Dashboard.Tests.Specs;

public sealed class SpecCheckTests
{
    [Fact]
    public void ValidSpec_IsSummarised()
    {
        var check = SpecCheck.Run(ExampleSpecs.For(fineTunes: 2).Single(e => e.Name == "ties").Yaml, "ties.yaml");

        Assert.True(check.IsValid, check.Error);
        Assert.Equal("ties over 3 models (base: base)", check.Summary);
    }

    [Fact]
    public void EveryExample_IsValid()
    {
        Assert.All(ExampleSpecs.For(fineTunes: 2), example => Assert.True(SpecCheck.Run(example.Yaml, example.Name).IsValid, $"{example.Name}: {SpecCheck.Run(example.Yaml, example.Name).Error}"));
    }

    [Fact]
    public void UnknownKey_IsNamed_WithItsLine()
    {
        var check = SpecCheck.Run("merge_method: linear\nmodels:\n  - model: a\n    parameters:\n      weight: 1\n  - model: b\n    paramters:\n      weight: 2\n", "my.yaml");

        Assert.False(check.IsValid);
        Assert.Contains("models[1].paramters: unknown key 'paramters'", check.Error, StringComparison.Ordinal);
        Assert.Contains("my.yaml line 7", check.Error, StringComparison.Ordinal);
        Assert.Equal(7, check.ErrorLine);
    }

    [Fact]
    public void MalformedYaml_NamesTheLine()
    {
        var check = SpecCheck.Run("merge_method: linear\nmodels: [\n", "spec.yaml");

        Assert.False(check.IsValid);
        Assert.NotNull(check.ErrorLine);
    }

    [Fact]
    public void EmptySpec_SaysSo()
    {
        var check = SpecCheck.Run("   ", "spec.yaml");

        Assert.False(check.IsValid);
        Assert.Contains("empty", check.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void LineOf_ReturnsThatLine()
    {
        Assert.Equal("  b: 2", SpecCheck.LineOf("a: 1\r\n  b: 2\r\n", 2));
        Assert.Null(SpecCheck.LineOf("a: 1", 5));
    }
}
