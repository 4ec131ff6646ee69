using FusionCluster.Core.Specs;
using FusionCluster.Core.Sweeps;

namespace FusionCluster.Core.Tests.Specs.Yaml;

/// <summary>
/// Merge specs and sweep specs read scalars by one set of rules (PyYAML's YAML 1.1 plus pydantic's lax mode, as
/// mergekit does): each spelling below means the same in both grammars, at a boolean, a number and an integer key.
/// </summary>
public sealed class ScalarSpellingTests
{
    public static TheoryData<string, bool> Booleans => new()
    {
        { "true", true }, { "True", true }, { "TRUE", true }, { "yes", true }, { "Yes", true }, { "YES", true }, { "on", true }, { "On", true }, { "ON", true },
        { "false", false }, { "False", false }, { "FALSE", false }, { "no", false }, { "No", false }, { "NO", false }, { "off", false }, { "Off", false }, { "OFF", false },
    };

    public static TheoryData<string, double> Numbers => new()
    {
        { "7", 7 }, { "7.0", 7 }, { "7e0", 7 }, { "+7", 7 }, { "1_000", 1000 }, { "\"7\"", 7 }, { "'1_000'", 1000 }, { "0.5", 0.5 }, { "\"2.5\"", 2.5 },
        { "on", 1 }, { "TRUE", 1 }, { "Yes", 1 },
    };

    public static TheoryData<string, int> Integers => new()
    {
        { "3", 3 }, { "+3", 3 }, { "\"3\"", 3 }, { "'3'", 3 }, { "1_0", 10 }, { "\"1_0\"", 10 },
    };

    public static TheoryData<string> NotNumbers => new() { "\"true\"", "'on'", "heavy", "\"\"", ".inf", "\"nan\"" };

    [Theory]
    [MemberData(nameof(Booleans))]
    public void A_boolean_spelling_means_the_same_in_a_merge_spec_and_a_sweep_spec(string spelling, bool expected)
    {
        var merge = MergeSpecParser.Parse($"merge_method: linear\nmodels:\n  - model: a\ntokenizer:\n  tokens:\n    \"<x>\": {{force: {spelling}}}\n", "spec.yaml");
        var sweep = ParseSweep($"promote: {{best: {spelling}}}");

        Assert.Equal(expected, Assert.Single(merge.TokenEmbeddings).Force);
        Assert.Equal(expected, sweep.Promote.CopyBest);
    }

    [Theory]
    [MemberData(nameof(Numbers))]
    public void A_number_spelling_means_the_same_in_a_merge_spec_and_a_sweep_spec(string spelling, double expected)
    {
        var merge = MergeSpecParser.Parse($"merge_method: linear\nmodels:\n  - model: a\n    parameters:\n      weight: {spelling}\n", "spec.yaml");
        var sweep = ParseSweep($"evaluator:\n  command:\n    run: ./score {{model}}\n    timeout: {spelling}");

        Assert.Equal(expected, Assert.IsType<ScalarSetting>(merge.Slices[0].Sources[0].Parameters["weight"]).Value);
        Assert.Equal(expected, sweep.Evaluator.Command!.TimeoutSeconds);
    }

    [Theory]
    [MemberData(nameof(Integers))]
    public void An_integer_spelling_means_the_same_in_a_merge_spec_and_a_sweep_spec(string spelling, int expected)
    {
        var merge = MergeSpecParser.Parse($"merge_method: linear\nmodels:\n  - model: a\ntokenizer:\n  pad_to_multiple_of: {spelling}\n", "spec.yaml");
        var sweep = ParseSweep($"max_concurrent: {spelling}");

        Assert.Equal(expected, merge.PadToMultipleOf);
        Assert.Equal(expected, sweep.MaxConcurrent);
    }

    [Theory]
    [MemberData(nameof(NotNumbers))]
    public void What_is_not_a_number_is_refused_by_both_naming_the_key(string spelling)
    {
        var merge = Assert.Throws<SpecException>(() => MergeSpecParser.Parse($"merge_method: linear\nmodels:\n  - model: a\n    parameters:\n      weight: {spelling}\n", "spec.yaml")).Message;
        var sweep = Assert.Throws<SpecException>(() => ParseSweep($"evaluator:\n  command:\n    run: ./score {{model}}\n    timeout: {spelling}")).Message;

        Assert.StartsWith("spec.yaml line 5: models[0].parameters.weight: expected a number", merge, StringComparison.Ordinal);
        Assert.StartsWith("sweep.yaml line ", sweep, StringComparison.Ordinal);
        Assert.Contains("evaluator.command.timeout: expected a number", sweep, StringComparison.Ordinal);
    }

    [Fact]
    public void A_quoted_boolean_is_a_string_in_both()
    {
        var merge = Assert.Throws<SpecException>(() => MergeSpecParser.Parse("merge_method: linear\nmodels:\n  - model: a\ntokenizer:\n  tokens:\n    \"<x>\": {force: \"true\"}\n", "spec.yaml")).Message;
        var sweep = Assert.Throws<SpecException>(() => ParseSweep("promote: {best: \"true\"}")).Message;

        Assert.Contains("force: expected true or false", merge, StringComparison.Ordinal);
        Assert.Contains("promote.best: expected true or false", sweep, StringComparison.Ordinal);
    }

    /// <summary>A valid sweep whose <paramref name="section"/> replaces (or adds) one top-level key.</summary>
    private static SweepSpec ParseSweep(string section)
    {
        var sections = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["template"] = "template:\n  merge_method: linear\n  models:\n    - model: a\n    - model: b",
            ["space"] = "space:\n  grid:\n    models[0].parameters.weight: [1]",
            ["evaluator"] = "evaluator:\n  tensors: {base: a}",
            ["objective"] = "objective: {metric: l2_distance/base}",
            ["out"] = "out: out",
        };
        sections[section[..section.IndexOf(':', StringComparison.Ordinal)]] = section;
        return SweepSpecParser.Parse(string.Join("\n", sections.Values) + "\n", "sweep.yaml", "/sweeps");
    }
}
