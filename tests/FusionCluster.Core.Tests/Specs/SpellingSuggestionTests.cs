using FusionCluster.Core.Specs;

namespace FusionCluster.Core.Tests.Specs;

public sealed class SpellingSuggestionTests
{
    private static readonly string[] Methods = ["linear", "slerp", "ties", "dare_ties", "task_arithmetic", "della"];

    [Theory]
    [InlineData("ab", "ab", 0)]
    [InlineData("ab", "ba", 1)] // one swap of neighbours
    [InlineData("wieght", "weight", 1)]
    [InlineData("tiez", "ties", 1)]
    [InlineData("densty", "density", 1)]
    [InlineData("kitten", "sitting", 3)] // Levenshtein's classic: two substitutions and an insertion
    [InlineData("", "abc", 3)]
    [InlineData("ca", "abc", 3)] // optimal string alignment edits no substring twice (Damerau's full distance is 2)
    public void Distance_counts_insertions_deletions_substitutions_and_swaps(string a, string b, int expected)
    {
        Assert.Equal(expected, SpellingSuggestion.Distance(a, b));
        Assert.Equal(expected, SpellingSuggestion.Distance(b, a));
    }

    [Theory]
    [InlineData("tiez", "ties")]
    [InlineData("TIES", "ties")] // the case differs only
    [InlineData("dare-ties", "dare_ties")]
    [InlineData("task_arithmatic", "task_arithmetic")]
    [InlineData("slurp", "slerp")]
    public void A_near_miss_gets_the_name_it_meant(string typed, string expected) =>
        Assert.Equal(expected, SpellingSuggestion.Closest(typed, Methods));

    [Theory]
    [InlineData("ties")] // known: nothing to suggest
    [InlineData("karcher")] // far from every name
    [InlineData("x")]
    [InlineData("lin")] // three edits from linear: more than a third of what was typed
    public void A_known_or_far_name_gets_no_suggestion(string typed) =>
        Assert.Null(SpellingSuggestion.Closest(typed, Methods));

    [Fact]
    public void Two_names_equally_close_give_no_suggestion() =>
        Assert.Null(SpellingSuggestion.Closest("bat", ["cat", "hat"]));

    [Fact]
    public void The_hint_reads_as_a_parenthesis_or_nothing()
    {
        Assert.Equal(" (did you mean 'weight'?)", SpellingSuggestion.Hint("wieght", ["weight", "density"]));
        Assert.Equal("", SpellingSuggestion.Hint("lambda", ["weight", "density"]));
    }
}
