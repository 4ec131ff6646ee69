using FusionCluster.Dashboard.Components.Pages;
using FusionCluster.Dashboard.Security;
using FusionCluster.Dashboard.Tests.Fakes;
using FusionCluster.Dashboard.Tests.Sweeps;

namespace FusionCluster.Dashboard.Tests.Pages;

public sealed class SweepCompareTests : DashboardTestContext
{
    private const string SweepId = "nightly";

    public SweepCompareTests() => SignInAs(DashboardRoles.Viewer);

    [Fact]
    public async Task A_viewer_compares_the_newest_run_with_the_one_before_and_then_picks_another()
    {
        Sweeps.Statuses[SweepId] = SweepSamples.Status(SweepId, runs: 3);
        Sweeps.Runs[(SweepId, 1)] = RunComparisonTests.Run(1, true, ("weight=0.3", 0.60));
        Sweeps.Runs[(SweepId, 2)] = RunComparisonTests.Run(2, true, ("weight=0.3", 0.80));
        Sweeps.Runs[(SweepId, 3)] = RunComparisonTests.Run(3, true, ("weight=0.3", 0.70));

        var page = Render<SweepDetail>(p => p.Add(c => c.SweepId, SweepId));

        Assert.Equal("2", page.Find("#compare-first").GetAttribute("value"));
        Assert.Equal("3", page.Find("#compare-second").GetAttribute("value"));
        await page.InvokeAsync(() => page.Find("#run-comparer").Submit());
        page.WaitForAssertion(() => Assert.Equal("−0.1 worse", page.Find("#compare-points .compare-delta").TextContent));

        await page.InvokeAsync(() => page.Find("#compare-first").Change("1"));
        await page.InvokeAsync(() => page.Find("#run-comparer").Submit());
        page.WaitForAssertion(() => Assert.Equal("Run #1 → run #3", page.Find("#compare-title").TextContent));
        Assert.Equal("+0.1 better", page.Find("#compare-points .compare-delta").TextContent);
    }

    [Fact]
    public async Task The_same_run_twice_cannot_be_compared_and_a_vanished_run_is_reported()
    {
        Sweeps.Statuses[SweepId] = SweepSamples.Status(SweepId, runs: 2);
        Sweeps.Runs[(SweepId, 2)] = RunComparisonTests.Run(2, true, ("weight=0.3", 0.80));

        var page = Render<SweepDetail>(p => p.Add(c => c.SweepId, SweepId));

        await page.InvokeAsync(() => page.Find("#run-comparer").Submit());
        page.WaitForAssertion(() => Assert.Contains("no run #1", page.Find("#compare-error").TextContent, StringComparison.Ordinal));

        await page.InvokeAsync(() => page.Find("#compare-first").Change("2"));
        Assert.True(page.Find("#compare-runs").HasAttribute("disabled"));
        Assert.Contains("two different runs", page.Find("#compare-same").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void One_run_offers_no_comparison_and_one_parameter_no_parallel_chart()
    {
        Sweeps.Statuses[SweepId] = SweepSamples.Status(SweepId, runs: 1);
        Sweeps.Runs[(SweepId, 1)] = RunComparisonTests.Run(1, true, ("weight=0.3", 0.60), ("weight=0.7", 0.65));

        var page = Render<SweepDetail>(p => p.Add(c => c.SweepId, SweepId));

        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("#sweep-leaderboard")));
        Assert.Empty(page.FindAll("#sweep-compare"));
        Assert.Empty(page.FindAll("#sweep-parallel"));
    }

    [Fact]
    public void Two_swept_parameters_get_the_parallel_coordinates_chart()
    {
        Sweeps.Statuses[SweepId] = SweepSamples.Status(SweepId, runs: 1);
        Sweeps.Runs[(SweepId, 1)] = SweepSamples.Run(1);

        var page = Render<SweepDetail>(p => p.Add(c => c.SweepId, SweepId));

        page.WaitForAssertion(() => Assert.Equal(3, page.FindAll("#sweep-parallel polyline.parallel-line").Count));
        Assert.Equal(["method", "weight", "accuracy"], page.FindAll("#sweep-parallel .parallel-axis").Select(a => a.GetAttribute("data-axis")));
    }
}
