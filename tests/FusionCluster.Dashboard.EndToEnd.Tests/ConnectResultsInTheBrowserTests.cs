using System.Globalization;
using System.Text.Json;
using FusionCluster.TestSupport;
using Microsoft.Playwright;

namespace FusionCluster.Dashboard.EndToEnd.Tests;

/// <summary>
/// A connect result from the command line to the browser, with real files and processes: `fusion dataset mnist`
/// (10,000 real digits), two small MLPs trained from different seeds by `fusion train`, `fusion connect --align
/// none,weight_matching --publish` into the dashboard's Fusion:Dashboard:ConnectResults; the Connectivity page lists
/// it and its page draws both paths with the barriers the published connect.json's points give by hand.
/// Screenshot: TestResults/dashboard/screenshots/40-connect-result-light.png.
/// </summary>
public sealed class ConnectResultsInTheBrowserTests(DashboardHost host)
{
    private static readonly string Fusion = Path.Combine(RepositoryRoot.Find(), "src", "FusionCluster.Cli", "bin", "Release", "net10.0", "fusion.dll");

    [Fact]
    public async Task A_published_connect_result_is_listed_and_charted_with_one_series_per_path()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var work = Path.Combine(host.Root, "connect-work");
        Directory.CreateDirectory(work);
        var digits = Path.Combine(work, "digits.fcds");
        await FusionAsync(cancellation, "dataset", "mnist", "--from", LocalTools.MnistPackageDirectory, "--out", digits);
        foreach (var (name, seed) in new[] { ("mlp-seed1", "1"), ("mlp-seed2", "2") })
        {
            await FusionAsync(cancellation, "train", "--dataset", digits, "--out", Path.Combine(work, name), "--hidden", "64", "--epochs", "2", "--seed", seed);
        }

        var published = Path.Combine(host.ConnectResultsDirectory, "mnist-mlp");
        await FusionAsync(cancellation, "connect", Path.Combine(work, "mlp-seed1"), Path.Combine(work, "mlp-seed2"), "--dataset", digits, "--align", "none,weight_matching", "--points", "5", "--max-samples", "1000", "--publish", published);
        var expected = HandBarriers(Path.Combine(published, "connect.json"));

        await using var session = await host.SignInAsync(DashboardHost.ViewerName, DashboardHost.ViewerPassword);
        var page = session.Page;
        await page.SetViewportSizeAsync(1440, 1000);
        await page.GotoAsync(session.Url("/connect"));
        await session.WaitForCircuitAsync();
        var row = page.Locator("tr.connect-row[data-name='mnist-mlp']");
        await Assertions.Expect(row).ToContainTextAsync("mlp-seed1 → mlp-seed2");
        await Assertions.Expect(row.Locator(".connect-paths")).ToHaveTextAsync("naive, weight matching");

        await row.Locator("a.connect-link").ClickAsync();
        await page.WaitForURLAsync(session.Url("/connect/mnist-mlp"));
        await Assertions.Expect(page.Locator("#connect-loss-chart polyline.chart-line")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("#connect-metric-chart polyline.chart-line")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("#connect-loss-chart circle.chart-point")).ToHaveCountAsync(10);
        var shown = await page.Locator("tr.connect-path-row .loss-barrier").AllTextContentsAsync();
        Assert.Equal(expected.Select(b => b.ToString("0.####", CultureInfo.InvariantCulture)), shown.Select(s => s.Split(' ')[0]));
        await session.ScreenshotAsync(Path.Combine(host.ResultsDirectory, "screenshots"), "40-connect-result-light");

        // The plot link serves the published connect.png to the signed-in browser.
        var plot = await page.APIRequest.GetAsync(session.Url("/" + await page.Locator("#connect-plot-link").GetAttributeAsync("href")));
        Assert.Equal(200, plot.Status);
        Assert.Equal(File.ReadAllBytes(Path.Combine(published, "connect.png")), await plot.BodyAsync());
        Assert.True(session.Errors.Count == 0, "browser console errors:\n" + string.Join("\n", session.Errors));
    }

    /// <summary>Each path's loss barrier from its points: max over α of loss(α) − ((1−α)·loss(0) + α·loss(1)).</summary>
    private static List<double> HandBarriers(string connectJson)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(connectJson));
        return document.RootElement.GetProperty("paths").EnumerateArray().Select(path =>
        {
            var points = path.GetProperty("points").EnumerateArray().Select(p => (Alpha: p.GetProperty("alpha").GetDouble(), Loss: p.GetProperty("loss").GetDouble())).ToList();
            return points.Max(p => p.Loss - (((1 - p.Alpha) * points[0].Loss) + (p.Alpha * points[^1].Loss)));
        }).ToList();
    }

    private static async Task FusionAsync(CancellationToken cancellation, params string[] arguments)
    {
        var (exitCode, stdout, stderr) = await DotnetTool.RunAsync(Fusion, arguments, TimeSpan.FromMinutes(5), cancellation);
        Assert.True(exitCode == 0, $"fusion {string.Join(' ', arguments)} exited {exitCode}:\n{stdout}\n{stderr}");
    }
}
