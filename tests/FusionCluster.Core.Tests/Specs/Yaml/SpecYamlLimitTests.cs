using System.Text;
using FusionCluster.Core.Specs;
using FusionCluster.Core.Specs.Yaml;
using FusionCluster.Core.Sweeps;

namespace FusionCluster.Core.Tests.Specs.Yaml;

/// <summary>
/// Hostile YAML ends in a clean <see cref="SpecException"/> naming the file and the limit, never a crash: a 28 KB
/// spec of nested flow lists used to overflow the stack and abort the process (and a silo with it).
/// </summary>
public sealed class SpecYamlLimitTests
{
    /// <summary>The spec from the security review: 14,000 nested "[" then 14,000 "]", about 28 KB.</summary>
    public static string NestedListsSpec() => "merge_method: linear\nmodels: " + new string('[', 14_000) + new string(']', 14_000) + "\n";

    [Fact]
    public void A_28_KB_spec_of_nested_lists_is_refused_naming_the_file_and_the_depth_limit()
    {
        var spec = NestedListsSpec();
        Assert.InRange(spec.Length, 28_000, 29_000);

        var error = Assert.Throws<SpecException>(() => MergeSpecParser.Parse(spec, "deep.yaml")).Message;

        Assert.StartsWith("deep.yaml line 2:", error, StringComparison.Ordinal);
        Assert.Contains($"deeper than {SpecLimits.MaxDepth} levels", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Nested_mappings_in_a_sweep_are_refused_the_same_way()
    {
        var deep = new StringBuilder("name: deep\nspace: ");
        for (var i = 0; i < 5_000; i++)
        {
            deep.Append("{a: ");
        }

        deep.Append('1').Append('}', 5_000).Append('\n');

        var error = Assert.Throws<SpecException>(() => SweepSpecParser.Parse(deep.ToString(), "sweep.yaml", "/sweeps")).Message;

        Assert.StartsWith("sweep.yaml line 2:", error, StringComparison.Ordinal);
        Assert.Contains($"deeper than {SpecLimits.MaxDepth} levels", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Nesting_up_to_the_limit_is_read_and_one_level_more_is_not()
    {
        // The root mapping is level 1, so the value of models may nest MaxDepth - 1 lists.
        static string Spec(int lists) => "merge_method: linear\nmodels: " + new string('[', lists) + new string(']', lists);

        var atLimit = Assert.Throws<SpecException>(() => MergeSpecParser.Parse(Spec(SpecLimits.MaxDepth - 1), "ok.yaml")).Message;
        var overLimit = Assert.Throws<SpecException>(() => MergeSpecParser.Parse(Spec(SpecLimits.MaxDepth), "deep.yaml")).Message;

        // At the limit the YAML loads and the spec reader rejects its content; one more level stops the loading.
        Assert.DoesNotContain("deeper than", atLimit, StringComparison.Ordinal);
        Assert.Contains("models", atLimit, StringComparison.Ordinal);
        Assert.Contains("deeper than", overLimit, StringComparison.Ordinal);
    }

    [Fact]
    public void Aliases_that_expand_to_a_billion_nodes_are_refused_by_their_expanded_count()
    {
        // Nine levels of ten aliases each stand for 10^9 scalars in about 1 KB of YAML.
        var yaml = new StringBuilder("merge_method: linear\nname: x\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (var level = 1; level <= 9; level++)
        {
            yaml.Append($"a{level}: &a{level} [").Append(string.Join(", ", Enumerable.Repeat($"*a{level - 1}", 10))).Append("]\n");
        }

        var error = Assert.Throws<SpecException>(() => MergeSpecParser.Parse(yaml.ToString(), "bomb.yaml")).Message;

        Assert.StartsWith("bomb.yaml line ", error, StringComparison.Ordinal);
        Assert.Contains($"more than {SpecLimits.MaxExpandedNodes} nodes", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Aliases_cannot_stack_nesting_past_the_depth_limit()
    {
        // Each anchor nests 40 levels; an alias of it inside another 40 levels reaches 80 once expanded.
        var yaml = "merge_method: linear\nname: x\na: &deep " + new string('[', 40) + new string(']', 40) + "\nb: " + new string('[', 40) + "*deep" + new string(']', 40) + "\n";

        var error = Assert.Throws<SpecException>(() => MergeSpecParser.Parse(yaml, "stacked.yaml")).Message;

        Assert.StartsWith("stacked.yaml line 4:", error, StringComparison.Ordinal);
        Assert.Contains("*deep", error, StringComparison.Ordinal);
        Assert.Contains($"deeper than {SpecLimits.MaxDepth} levels", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Ordinary_anchors_and_aliases_still_work()
    {
        var spec = MergeSpecParser.Parse("""
            merge_method: linear
            models:
              - model: a
                parameters: &same {weight: 0.5}
              - model: b
                parameters: *same
            """, "spec.yaml");

        Assert.All(spec.Slices[0].Sources, s => Assert.Equal(0.5, Assert.IsType<ScalarSetting>(s.Parameters["weight"]).Value));
    }

    [Fact]
    public void A_spec_longer_than_the_size_limit_is_refused_naming_the_file_and_the_limit()
    {
        var spec = "merge_method: linear\nmodels: [{model: a}]\n# " + new string('x', SpecLimits.MaxCharacters) + "\n";

        var error = Assert.Throws<SpecException>(() => MergeSpecParser.Parse(spec, "big.yaml")).Message;

        Assert.StartsWith("big.yaml:", error, StringComparison.Ordinal);
        Assert.Contains($"the limit is {SpecLimits.MaxCharacters}", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_spec_file_too_big_to_be_a_spec_is_refused_before_it_is_read()
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("huge.yaml");
        using (var file = File.Create(path))
        {
            file.SetLength((SpecLimits.MaxCharacters * 4L) + 1);
        }

        var error = Assert.Throws<SpecException>(() => MergeSpecParser.ParseFile(path)).Message;

        Assert.StartsWith(path + ":", error, StringComparison.Ordinal);
        Assert.Contains($"at most {SpecLimits.MaxCharacters} characters", error, StringComparison.Ordinal);
    }
}
