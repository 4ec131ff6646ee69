using FusionCluster.Dashboard.Components.Shared;
using FusionCluster.Dashboard.Sweeps;
using FusionCluster.Dashboard.Tests.Fakes;
using FusionCluster.Dashboard.Tests.Sweeps;

namespace FusionCluster.Dashboard.Tests.Components;

public sealed class RunComparisonTableTests : DashboardTestContext
{
    [Fact]
    public void Objective_changes_say_better_or_worse_in_words_and_a_changed_space_is_marked()
    {
        var first = RunComparisonTests.Run(1, true, ("weight=0.3", 0.80), ("weight=0.7", 0.91));
        var second = RunComparisonTests.Run(2, true, ("weight=0.3", 0.84), ("weight=0.7", 0.88), ("weight=0.5", 0.95));

        var table = Render<RunComparisonTable>(p => p.Add(x => x.Comparison, new RunComparison(first, second)));

        Assert.Equal("Run #1 → run #2", table.Find("#compare-title").TextContent);
        Assert.Contains("0.91 → 0.95", table.Find("#compare-best").TextContent, StringComparison.Ordinal);
        Assert.Equal("(+0.04 better)", table.Find("#compare-best span").TextContent);
        var rows = table.FindAll("#compare-points tr.compare-point");
        Assert.Equal(["weight=0.5", "weight=0.7", "weight=0.3"], rows.Select(r => r.GetAttribute("data-label")));
        Assert.Contains("only in run #2", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("compare-only", rows[0].ClassName, StringComparison.Ordinal);
        Assert.Equal("−0.03 worse", rows[1].QuerySelector(".compare-delta")!.TextContent);
        Assert.Contains("delta-worse", rows[1].QuerySelector(".compare-delta")!.ClassName, StringComparison.Ordinal);
        Assert.Equal("+0.04 better", rows[2].QuerySelector(".compare-delta")!.TextContent);
        Assert.Equal("0.2 → 0.16 (−0.04)", rows[2].QuerySelector("td[data-metric='loss']")!.TextContent);

        var weight = table.Find("#compare-parameters tr[data-path='weight']");
        Assert.Contains("compare-differs", weight.ClassName, StringComparison.Ordinal);
        Assert.Equal(["weight", "0.3, 0.7", "0.3, 0.5, 0.7", "changed"], weight.QuerySelectorAll("td").Select(c => c.TextContent));
    }

    [Fact]
    public void An_unchanged_point_shows_no_highlight_and_a_changed_template_says_the_spec_differs()
    {
        var first = RunComparisonTests.Run(1, true, ("weight=0.3", 0.80));
        var second = RunComparisonTests.Run(2, true, ("weight=0.3", 0.80));
        second = second with { Candidates = [second.Candidates[0] with { SpecText = "merge_method: ties" }], ObjectiveMetric = "accuracy", Maximize = true };

        var table = Render<RunComparisonTable>(p => p.Add(x => x.Comparison, new RunComparison(first, second)));

        var row = table.Find("tr.compare-point");
        Assert.Equal("Same", row.QuerySelector(".compare-delta")!.GetAttribute("data-verdict"));
        Assert.Equal("±0", row.QuerySelector(".compare-delta")!.TextContent);
        Assert.Contains("merge spec differs", row.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("compare-differs", table.Find("tr.compare-parameter").ClassName, StringComparison.Ordinal);
        Assert.Empty(table.FindAll("#compare-objective-changed"));
    }
}
