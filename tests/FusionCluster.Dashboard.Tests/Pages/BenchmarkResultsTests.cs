using System.Globalization;
using FusionCluster.Dashboard.Components.Pages;
using FusionCluster.Dashboard.Components.Shared;
using FusionCluster.Dashboard.Security;
using FusionCluster.Dashboard.Tests.Fakes;

namespace FusionCluster.Dashboard.Tests.Pages;

/// <summary>The Benchmarks page and a result's page over benchmark results published into a real folder.</summary>
public sealed class BenchmarkResultsTests : DashboardTestContext, IDisposable
{
    private readonly DirectoryInfo root = Directory.CreateTempSubdirectory("fusion-benchmark-page-");

    public BenchmarkResultsTests()
    {
        SignInAs(DashboardRoles.Viewer);
        DashboardOptions.BenchmarkResults = root.FullName;
    }

    void IDisposable.Dispose()
    {
        root.Delete(recursive: true);
        base.Dispose();
    }

    [Fact]
    public void Without_a_results_location_the_page_says_how_to_set_one()
    {
        DashboardOptions.BenchmarkResults = "";

        var text = Render<BenchmarkResults>().Find("#benchmarks-unconfigured").TextContent;

        Assert.Contains("fusion dashboard --benchmark-results DIR", text, StringComparison.Ordinal);
        Assert.Contains("--publish DIR/NAME", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_list_shows_each_result_with_its_best_merge_and_warns_of_a_bad_file()
    {
        await BenchmarkSamples.PublishAsync(root.FullName, "seed-1", BenchmarkSamples.Document().ToJsonString());
        await BenchmarkSamples.PublishAsync(root.FullName, "bad", "{\"format\": \"fusioncluster-connect/1\"}");

        var page = Render<BenchmarkResults>();

        page.WaitForAssertion(() => Assert.Single(page.FindAll("tr.benchmark-row")));
        var row = page.Find("tr.benchmark-row");
        Assert.Equal("benchmarks/seed-1", row.QuerySelector("a.benchmark-link")!.GetAttribute("href"));
        // ties averages (0.9 + 0.7 + 0.8) / 3 = 80.0%, above task_arithmetic (70.0%) and regmean (63.3%); the references are not merges.
        Assert.Equal("ties 80.0", row.QuerySelector(".benchmark-best")!.TextContent);
        Assert.Equal("90.0", row.QuerySelector(".benchmark-individual")!.TextContent);
        var warning = page.Find(".benchmark-bad").TextContent;
        Assert.Contains(Path.Combine(root.FullName, "bad", "multitask.json"), warning, StringComparison.Ordinal);
        Assert.Contains("not 'fusioncluster-multitask/1'", warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_result_shows_every_row_per_task_sorted_by_average_and_charts_the_averages()
    {
        await BenchmarkSamples.PublishAsync(root.FullName, "seed-1", BenchmarkSamples.Document().ToJsonString(), plot: [0x89, 0x50]);

        var page = Render<BenchmarkDetail>(p => p.Add(x => x.Name, "seed-1"));

        page.WaitForAssertion(() => Assert.Equal(6, page.FindAll("tr.benchmark-method-row").Count));
        // Best average first; the method that was not available (no average) last.
        Assert.Equal(["individual", "ties", "task_arithmetic", "regmean", "pretrained", "emr"], page.FindAll("tr.benchmark-method-row td.benchmark-method").Select(c => c.TextContent.Trim()));
        var ties = page.FindAll("tr.benchmark-method-row")[1];
        Assert.Equal(["90.0", "70.0", "80.0"], ties.QuerySelectorAll("td.benchmark-accuracy").Select(c => c.TextContent));
        Assert.Equal("88.9", ties.QuerySelector("td.benchmark-normalized")!.TextContent);
        Assert.Equal("em", page.FindAll("tr.benchmark-method-row td.benchmark-method")[0].FirstElementChild!.LocalName);

        var chart = page.FindComponent<BarChart>();
        var bars = chart.FindAll("g.chart-bar");
        Assert.Equal(["individual", "ties", "task_arithmetic", "regmean", "pretrained"], bars.Select(b => b.GetAttribute("data-label")));
        Assert.Equal([90.0, 80.0, 70.0, 63.333333333, 40.0], bars.Select(b => Math.Round(double.Parse(b.GetAttribute("data-value")!, CultureInfo.InvariantCulture), 9)));
        Assert.Equal(2, chart.FindAll("g.chart-bar-reference").Count);
        // The value axis starts at zero and holds the largest average.
        Assert.True(chart.Instance.Scale.Min <= 0 && chart.Instance.Scale.Max >= 90);
        Assert.Equal("benchmarks/seed-1/plot", page.Find("#benchmark-plot-link").GetAttribute("href"));
    }

    [Fact]
    public async Task Clicking_a_task_header_sorts_the_rows_by_that_task()
    {
        await BenchmarkSamples.PublishAsync(root.FullName, "seed-1", BenchmarkSamples.Document().ToJsonString());
        var page = Render<BenchmarkDetail>(p => p.Add(x => x.Name, "seed-1"));
        page.WaitForAssertion(() => Assert.Equal(6, page.FindAll("tr.benchmark-method-row").Count));

        // The third task ("rotated"): header cells are Method, avg, norm, mnist, fashion, rotated, ...
        page.FindAll("th .mud-table-sort-label")[5].Click();

        // Ascending by rotated: emr (none) first, then pretrained 0.3, regmean 0.5, task_arithmetic 0.8 and ties 0.8 (stable), individual 0.9.
        page.WaitForAssertion(() => Assert.Equal(
            ["emr", "pretrained", "regmean"],
            page.FindAll("tr.benchmark-method-row td.benchmark-method").Take(3).Select(c => c.TextContent.Trim())));
    }

    [Fact]
    public void A_result_that_is_not_there_says_so()
    {
        var page = Render<BenchmarkDetail>(p => p.Add(x => x.Name, "absent"));

        page.WaitForAssertion(() => Assert.Contains("No benchmark result called absent", page.Find("#benchmark-detail-missing").TextContent, StringComparison.Ordinal));
    }
}
