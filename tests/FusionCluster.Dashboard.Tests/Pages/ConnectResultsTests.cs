using System.Globalization;
using FusionCluster.Dashboard.Components.Pages;
using FusionCluster.Dashboard.Components.Shared;
using FusionCluster.Dashboard.Security;
using FusionCluster.Dashboard.Tests.Fakes;

namespace FusionCluster.Dashboard.Tests.Pages;

/// <summary>The Connectivity page and a result's page over connect results published into a real folder.</summary>
public sealed class ConnectResultsTests : DashboardTestContext, IDisposable
{
    private readonly DirectoryInfo root = Directory.CreateTempSubdirectory("fusion-connect-page-");

    public ConnectResultsTests()
    {
        SignInAs(DashboardRoles.Viewer);
        DashboardOptions.ConnectResults = root.FullName;
    }

    void IDisposable.Dispose()
    {
        root.Delete(recursive: true);
        base.Dispose();
    }

    [Fact]
    public void Without_a_results_location_the_page_says_how_to_set_one()
    {
        DashboardOptions.ConnectResults = "";

        var text = Render<ConnectResults>().Find("#connect-unconfigured").TextContent;

        Assert.Contains("fusion dashboard --connect-results DIR", text, StringComparison.Ordinal);
        Assert.Contains("--publish DIR/NAME", text, StringComparison.Ordinal);
    }

    [Fact]
    public void No_results_yet_says_how_to_publish_one()
    {
        var page = Render<ConnectResults>();

        page.WaitForAssertion(() => Assert.Contains($"--publish {root.FullName}/NAME", page.Find("#connect-empty").TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_list_shows_each_result_with_its_paths_and_barriers_and_warns_of_a_bad_file()
    {
        await ConnectSamples.PublishAsync(root.FullName, "mlp-seeds", ConnectSamples.Document("mlp-seeds", "2026-12-03T08:00:00Z", ConnectSamples.Naive(), ConnectSamples.WeightMatching()).ToJsonString());
        await ConnectSamples.PublishAsync(root.FullName, "bad", "{\"format\": \"something else\"}");

        var page = Render<ConnectResults>();

        page.WaitForAssertion(() => Assert.Single(page.FindAll("tr.connect-row")));
        var row = page.Find("tr.connect-row");
        Assert.Equal("connect/mlp-seeds", row.QuerySelector("a.connect-link")!.GetAttribute("href"));
        Assert.Contains("mlp-seed1 → mlp-seed2", row.TextContent, StringComparison.Ordinal);
        Assert.Equal("naive, weight matching", row.QuerySelector(".connect-paths")!.TextContent);
        Assert.Equal("1.15 · 0.1", row.QuerySelector(".connect-loss-barriers")!.TextContent);
        Assert.Equal("0.545 accuracy · 0.045 accuracy", row.QuerySelector(".connect-metric-barriers")!.TextContent);
        var warning = page.Find(".connect-bad").TextContent;
        Assert.Contains(Path.Combine(root.FullName, "bad", "connect.json"), warning, StringComparison.Ordinal);
        Assert.Contains("not 'fusioncluster-connect/1'", warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_result_charts_loss_and_accuracy_against_alpha_with_one_series_per_path()
    {
        await ConnectSamples.PublishAsync(root.FullName, "mlp-seeds", ConnectSamples.Document("mlp-seeds", "2026-12-03T08:00:00Z", ConnectSamples.Naive(), ConnectSamples.WeightMatching()).ToJsonString(), plot: [0x89, 0x50]);

        var page = Render<ConnectDetail>(p => p.Add(x => x.Name, "mlp-seeds"));

        page.WaitForAssertion(() => Assert.Equal(2, page.FindComponents<ScatterChart>().Count));
        var (loss, accuracy) = (page.FindComponents<ScatterChart>()[0], page.FindComponents<ScatterChart>()[1]);
        Assert.Equal(["naive (3)", "weight matching (3)"], loss.FindAll(".chart-legend-item").Select(l => l.TextContent));
        Assert.Equal(2, loss.FindAll("polyline.chart-line").Count);
        // The fitted axes hold every value: loss 0.2-1.4, accuracy 0.40-0.95, α 0-1.
        Assert.True(loss.Instance.YScale.Min <= 0.2 && loss.Instance.YScale.Max >= 1.4);
        Assert.True(accuracy.Instance.YScale.Min <= 0.40 && accuracy.Instance.YScale.Max >= 0.95);
        Assert.Equal((0, 1), (loss.Instance.XScale.Min, loss.Instance.XScale.Max));
        Assert.Equal("accuracy", accuracy.Instance.YTitle);
        var barriers = page.FindAll("tr.connect-path-row").Select(r => r.QuerySelector(".loss-barrier")!.TextContent).ToList();
        Assert.Equal(["1.15 (0.5)", "0.1 (0.5)"], barriers);
        Assert.Equal("connect/mlp-seeds/plot", page.Find("#connect-plot-link").GetAttribute("href"));
        Assert.Equal(6, loss.FindAll("circle.chart-point").Count);
        Assert.All(loss.FindAll("circle.chart-point"), c => Assert.InRange(double.Parse(c.GetAttribute("cy")!, CultureInfo.InvariantCulture), 0, 240));
    }

    [Fact]
    public void A_result_that_is_not_there_says_so()
    {
        var page = Render<ConnectDetail>(p => p.Add(x => x.Name, "nothing"));

        page.WaitForAssertion(() => Assert.Contains("No connect result called nothing", page.Find("#connect-detail-missing").TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_bad_result_is_an_error_naming_its_file_not_a_broken_page()
    {
        await ConnectSamples.PublishAsync(root.FullName, "bad", "{\"format\": \"fusioncluster-connect/1\", \"kind\": \"classifier\", \"models\": {\"a\": \"x\", \"b\": \"y\"}, \"paths\": []}");

        var page = Render<ConnectDetail>(p => p.Add(x => x.Name, "bad"));

        page.WaitForAssertion(() => Assert.Contains($"{Path.Combine(root.FullName, "bad", "connect.json")}: \"paths\" must be a list", page.Find("#connect-detail-error").TextContent, StringComparison.Ordinal));
    }
}
