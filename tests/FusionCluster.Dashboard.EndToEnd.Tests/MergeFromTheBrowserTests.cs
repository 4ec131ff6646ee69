using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace FusionCluster.Dashboard.EndToEnd.Tests;

/// <summary>
/// The operator's path through a real browser: sign in, write a spec on the New merge page, preview its
/// plan, submit, watch the job page reach 100% live, and find the published files listed and downloadable.
/// </summary>
public sealed partial class MergeFromTheBrowserTests(DashboardHost host)
{
    [Fact]
    public async Task Operator_submits_a_merge_and_watches_it_finish()
    {
        var screenshots = Path.Combine(host.ResultsDirectory, "screenshots");
        Directory.CreateDirectory(screenshots);
        var output = Path.Combine(host.OutputsDirectory, "ties-from-browser");
        await using var session = await BrowserSession.OpenAsync(host.Browser, host.BaseAddress);
        var page = session.Page;

        await page.GotoAsync(session.Url("/"));
        await page.WaitForURLAsync(LoginPage());
        await session.ScreenshotAsync(screenshots, "01-login");
        await page.FillAsync("#login-user", DashboardHost.OperatorName);
        await page.FillAsync("#login-password", DashboardHost.OperatorPassword);
        await page.ClickAsync("#login-submit");
        await page.WaitForURLAsync(session.Url("/"));
        await session.WaitForCircuitAsync();
        await Assertions.Expect(page.Locator(".silo-table")).ToBeVisibleAsync();
        await session.ScreenshotAsync(screenshots, "02-overview");

        await page.ClickAsync("#nav-new-merge");
        await page.WaitForURLAsync(session.Url("/jobs/new"));
        await MonacoEditor.PasteAsync(page, TiesSpec());
        await Assertions.Expect(page.Locator("#spec-validation")).ToContainTextAsync("Valid: ties over 3 models");
        await page.FillAsync(".output-field input", output);
        await page.ClickAsync("#preview-plan");
        await Assertions.Expect(page.Locator("#preview-units")).ToHaveTextAsync(PositiveNumber());
        await Assertions.Expect(page.Locator("#preview-shards")).ToHaveTextAsync("model.safetensors");
        var units = int.Parse(await page.Locator("#preview-units").InnerTextAsync(), System.Globalization.CultureInfo.InvariantCulture);
        await session.ScreenshotAsync(screenshots, "03-new-merge-preview");

        await page.ClickAsync("#submit-merge");
        await page.WaitForURLAsync(JobPage());
        var jobId = new Uri(page.Url).Segments[^1];
        await Assertions.Expect(page.Locator("#unit-grid .unit")).ToHaveCountAsync(units);
        await Assertions.Expect(page.Locator("#job-percent")).ToHaveTextAsync("100%", new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator("#job-state")).ToContainTextAsync("Succeeded", new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator(".artifact-link").Filter(new() { HasTextString = "model.safetensors" })).ToBeVisibleAsync();
        var artifacts = await page.Locator(".artifact-link").AllInnerTextsAsync();
        Assert.Contains("model.safetensors", artifacts);
        Assert.Contains("config.json", artifacts);
        Assert.Contains("fusion-report.json", artifacts);
        await Assertions.Expect(page.Locator("#merge-report")).ToContainTextAsync("method ties");
        await Assertions.Expect(page.Locator("#job-spec")).ToContainTextAsync("merge_method: ties");
        await Assertions.Expect(page.Locator("#unit-grid .unit-done")).ToHaveCountAsync(units);
        await session.ScreenshotAsync(screenshots, "04-job-succeeded");

        // The download link serves the published file itself, to this signed-in session.
        var href = await page.Locator(".artifact-link", new() { HasTextString = "model.safetensors" }).GetAttributeAsync("href");
        var download = await page.APIRequest.GetAsync(session.Url("/" + href));
        Assert.Equal(200, download.Status);
        Assert.Equal(new FileInfo(Path.Combine(output, "model.safetensors")).Length, (await download.BodyAsync()).Length);
        Assert.Contains("attachment", download.Headers["content-disposition"], StringComparison.Ordinal);

        await page.ClickAsync("a[href='jobs']");
        await Assertions.Expect(page.Locator(".jobs-grid .job-link").First).ToBeVisibleAsync();
        await session.ScreenshotAsync(screenshots, "05-jobs");

        // The job against itself: the comparison renders in a browser, every fact the same and no spec line changed.
        await page.GotoAsync(session.Url($"/jobs/compare?a={jobId}&b={jobId}"));
        await Assertions.Expect(page.Locator("#compare-facts")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#compare-spec-title")).ToContainTextAsync("the same");
        await Assertions.Expect(page.Locator("#compare-facts .compare-differs")).ToHaveCountAsync(0);
        await session.ScreenshotAsync(screenshots, "05-job-compare");

        // The embedded silo reports its CPU and memory every 10 s and the dashboard rereads them as often: the
        // overview draws them within half a minute of the silo's start.
        await page.GotoAsync(session.Url("/"));
        await Assertions.Expect(page.Locator("#silo-resources .resource-cpu polyline.chart-line")).ToHaveCountAsync(1, new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator("#silo-resources .resource-memory polyline.chart-line")).ToHaveCountAsync(1);
        await session.ScreenshotAsync(screenshots, "06-overview-silo-resources");

        Assert.True(session.Errors.Count == 0, "browser console errors:\n" + string.Join("\n", session.Errors));
    }

    private string TiesSpec()
    {
        string Model(string name) => Path.Combine(host.ModelsDirectory, name);
        return $"""
            merge_method: ties
            base_model: {Model("base")}
            models:
              - model: {Model("ft-1")}
                parameters:
                  weight: 1.0
                  density: 0.5
              - model: {Model("ft-2")}
                parameters:
                  weight: 1.0
                  density: 0.5
            parameters:
              normalize: true
            dtype: bfloat16
            """;
    }

    [GeneratedRegex(@"/login\?ReturnUrl=")]
    private static partial Regex LoginPage();

    [GeneratedRegex(@"/jobs/\d{8}-\d{6}-[0-9a-f]{6}$")]
    private static partial Regex JobPage();

    [GeneratedRegex(@"^[1-9]\d*$")]
    private static partial Regex PositiveNumber();
}
