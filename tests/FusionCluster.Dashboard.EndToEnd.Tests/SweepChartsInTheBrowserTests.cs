using FusionCluster.Grains.Abstractions.Sweeps;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace FusionCluster.Dashboard.EndToEnd.Tests;

/// <summary>
/// A real sweep (four linear merges of the host's models, evaluated by tensor metrics) run on the embedded
/// silo, edited in chromium's editor to six points, and run again; the sweep page records the edit, draws
/// the parallel coordinates and compares the two runs, light and dark, with no serious axe-core finding. Screenshots go to TestResults/dashboard/screenshots.
/// </summary>
public sealed class SweepChartsInTheBrowserTests(DashboardHost host)
{
    private const string SweepId = "browser-charts";

    [Fact]
    public async Task An_edited_sweeps_runs_compare_side_by_side_and_draw_as_parallel_coordinates()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var screenshots = Path.Combine(host.ResultsDirectory, "screenshots");
        Directory.CreateDirectory(screenshots);
        var sweep = host.Services.GetRequiredService<IClusterClient>().GetGrain<ISweepGrain>(SweepId);
        var created = await sweep.Create(new SweepDefinition { SpecText = Spec(), SpecDirectory = host.ModelsDirectory, SubmittedBy = "test" });
        Assert.Null(created.Error);
        await RunToTheEndAsync(sweep, 1, cancellation);

        // The operator widens the space in the browser's editor; the edit is recorded on the sweep page.
        await using var session = await host.SignInAsync(DashboardHost.OperatorName, DashboardHost.OperatorPassword);
        var page = session.Page;
        await page.SetViewportSizeAsync(1440, 1000);
        await page.GotoAsync(session.Url($"/sweeps/{SweepId}"));
        await page.ClickAsync("#sweep-edit");
        await page.WaitForURLAsync(session.Url($"/sweeps/{SweepId}/edit"));
        await MonacoEditor.PasteAsync(page, Spec().Replace("models[1].parameters.weight: [0.3, 0.7]", "models[1].parameters.weight: [0.3, 0.5, 0.7]", StringComparison.Ordinal));
        await Assertions.Expect(page.Locator("#sweep-edit-validation")).ToContainTextAsync("Valid sweep.yaml");
        await page.ClickAsync("#save-sweep");
        await page.WaitForURLAsync(session.Url($"/sweeps/{SweepId}"));
        await Assertions.Expect(page.Locator("#sweep-revisions tr.sweep-revision")).ToContainTextAsync("space");
        await Assertions.Expect(page.Locator("#sweep-revisions tr.sweep-revision")).ToContainTextAsync("4 → 6");
        await RunToTheEndAsync(sweep, 2, cancellation);

        await page.ReloadAsync();
        await session.WaitForCircuitAsync();
        await Assertions.Expect(page.Locator("#sweep-parallel polyline.parallel-line")).ToHaveCountAsync(6);
        await Assertions.Expect(page.Locator("#sweep-parallel .parallel-axis")).ToHaveCountAsync(3);
        await Assertions.Expect(page.Locator("#sweep-parallel polyline.parallel-best")).ToHaveCountAsync(1);

        // Run 2 reuses run 1's four merges (their metrics unchanged) and adds two points.
        await page.ClickAsync("#compare-runs");
        await Assertions.Expect(page.Locator("#compare-title")).ToHaveTextAsync("Run #1 → run #2");
        await Assertions.Expect(page.Locator("#compare-points tr.compare-point")).ToHaveCountAsync(6);
        await Assertions.Expect(page.Locator("#compare-points tr.compare-only")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("#compare-parameters tr.compare-differs")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#compare-parameters tr.compare-differs")).ToHaveAttributeAsync("data-path", "models[1].parameters.weight");
        var shared = page.Locator("#compare-points tr.compare-point:not(.compare-only) .compare-delta");
        Assert.True(await shared.CountAsync() >= 4, "every shared point has at least its objective's change");
        Assert.Equal(await shared.CountAsync(), await page.Locator("#compare-points tr.compare-point:not(.compare-only) .compare-delta[data-verdict='Same']").CountAsync());
        await page.Locator("#sweep-parallel").ScrollIntoViewIfNeededAsync();
        await session.ScreenshotAsync(screenshots, "30-sweep-parallel-and-compare-light");

        var serious = new List<string>();
        serious.AddRange((await AxeCheck.RunAsync(page, "sweep page (light)", cancellation)).Serious);
        await AccessibilityTests.SetThemeAsync(page, "dark");
        serious.AddRange((await AxeCheck.RunAsync(page, "sweep page (dark)", cancellation)).Serious);
        await session.ScreenshotAsync(screenshots, "31-sweep-parallel-and-compare-dark");
        Assert.True(serious.Count == 0, "serious or critical accessibility violations:\n" + string.Join("\n", serious));

        // /metrics answers Prometheus without a sign-in: the dashboard's requests, its process and the pages viewed.
        using var http = new HttpClient { BaseAddress = host.BaseAddress };
        var metrics = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative), cancellation);
        Assert.Contains("http_server_request_duration_seconds", metrics, StringComparison.Ordinal);
        Assert.Contains("dotnet_process_memory_working_set_bytes", metrics, StringComparison.Ordinal);
        Assert.Matches(@"fusion_dashboard_page_views_total\{[^}]*page=""sweep""[^}]*\} [1-9]", metrics);
        Assert.True(session.Errors.Count == 0, "browser console errors:\n" + string.Join("\n", session.Errors));
    }

    private static async Task RunToTheEndAsync(ISweepGrain sweep, int number, CancellationToken cancellationToken)
    {
        var started = await sweep.Run();
        Assert.True(started.Started, started.Error);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(3));
        while (true)
        {
            var run = await sweep.GetRun(number);
            if (run?.Summary.State is SweepRunState.Succeeded)
            {
                return;
            }

            Assert.False(run?.Summary.State is SweepRunState.Failed or SweepRunState.Cancelled, $"run {number} ended {run?.Summary.State}: {run?.Summary.Error}");
            await Task.Delay(250, timeout.Token);
        }
    }

    private string Spec() => $"""
        name: browser charts
        template:
          merge_method: linear
          models:
            - model: base
              parameters: {"{"}weight: 0.5{"}"}
            - model: ft-1
              parameters: {"{"}weight: 0.5{"}"}
        space:
          grid:
            models[0].parameters.weight: [0.3, 0.7]
            models[1].parameters.weight: [0.3, 0.7]
        max_concurrent: 2
        evaluator:
          tensors: {"{"}compare: [ft-2], base: base{"}"}
        objective: {"{"}metric: cosine/ft-2, direction: maximize{"}"}
        out: {Path.Combine(host.OutputsDirectory, "sweep-charts")}
        """;
}
