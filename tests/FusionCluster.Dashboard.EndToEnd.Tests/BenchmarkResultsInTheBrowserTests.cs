using System.Globalization;
using System.Text.Json;
using FusionCluster.TestSupport;
using Microsoft.Playwright;

namespace FusionCluster.Dashboard.EndToEnd.Tests;

/// <summary>
/// A benchmark result from the command line to the browser, with real files and processes: the small
/// `fusion benchmark multitask` (real MNIST and Fashion-MNIST tasks) published with --publish into the dashboard's
/// Fusion:Dashboard:BenchmarkResults; the Benchmarks page lists it, and its page shows every row's average and a bar
/// per available row as the published multitask.json gives them. Screenshot: TestResults/dashboard/screenshots/41-benchmark-result-light.png.
/// </summary>
public sealed class BenchmarkResultsInTheBrowserTests(DashboardHost host)
{
    private static readonly string Fusion = Path.Combine(RepositoryRoot.Find(), "src", "FusionCluster.Cli", "bin", "Release", "net10.0", "fusion.dll");

    [Fact]
    public async Task A_published_benchmark_is_listed_and_its_rows_and_bars_show_the_published_averages()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var work = Path.Combine(host.Root, "benchmark-work");
        var published = Path.Combine(host.BenchmarkResultsDirectory, "small");
        var (exitCode, stdout, stderr) = await DotnetTool.RunAsync(
            Fusion,
            ["benchmark", "multitask", "--small", "--methods", "linear,ties,no_such_method", "--out", work, "--mnist", LocalTools.MnistPackageDirectory, "--publish", published],
            TimeSpan.FromMinutes(10),
            cancellation);
        Assert.True(exitCode == 0, $"fusion benchmark exited {exitCode}:\n{stdout}\n{stderr}");
        Assert.Equal(File.ReadAllBytes(Path.Combine(work, "multitask.json")), File.ReadAllBytes(Path.Combine(published, "multitask.json")));
        var averages = PublishedAverages(Path.Combine(published, "multitask.json"));

        await using var session = await host.SignInAsync(DashboardHost.ViewerName, DashboardHost.ViewerPassword);
        var page = session.Page;
        await page.SetViewportSizeAsync(1440, 1000);
        await page.GotoAsync(session.Url("/benchmarks"));
        await session.WaitForCircuitAsync();
        var row = page.Locator("tr.benchmark-row[data-name='small']");
        await Assertions.Expect(row).ToBeVisibleAsync();

        await row.Locator("a.benchmark-link").ClickAsync();
        await page.WaitForURLAsync(session.Url("/benchmarks/small"));
        await Assertions.Expect(page.Locator("tr.benchmark-method-row")).ToHaveCountAsync(averages.Count);
        var names = (await page.Locator("tr.benchmark-method-row td.benchmark-method").AllTextContentsAsync()).Select(n => n.Trim()).ToList();
        var shown = await page.Locator("tr.benchmark-method-row td.benchmark-average").AllTextContentsAsync();
        var expected = names.Select(n => averages[n] is { } a ? (100 * a).ToString("F1", CultureInfo.InvariantCulture) : "-");
        Assert.Equal(expected, shown);
        Assert.Contains("no_such_method", names);
        await Assertions.Expect(page.Locator("#benchmark-chart g.chart-bar")).ToHaveCountAsync(averages.Count(a => a.Value is not null));
        await session.ScreenshotAsync(Path.Combine(host.ResultsDirectory, "screenshots"), "41-benchmark-result-light");

        var plot = await page.APIRequest.GetAsync(session.Url("/" + await page.Locator("#benchmark-plot-link").GetAttributeAsync("href")));
        Assert.Equal(200, plot.Status);
        Assert.Equal(File.ReadAllBytes(Path.Combine(published, "multitask.png")), await plot.BodyAsync());
        Assert.True(session.Errors.Count == 0, "browser console errors:\n" + string.Join("\n", session.Errors));
    }

    /// <summary>Each row's average accuracy, recomputed from its per-task accuracies (null for a method that was not available).</summary>
    private static Dictionary<string, double?> PublishedAverages(string multitaskJson)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(multitaskJson));
        return document.RootElement.GetProperty("rows").EnumerateArray().ToDictionary(
            r => r.GetProperty("name").GetString()!,
            r => r.GetProperty("accuracy").ValueKind == JsonValueKind.Null
                ? (double?)null
                : r.GetProperty("accuracy").EnumerateObject().Average(p => p.Value.GetDouble()));
    }
}
