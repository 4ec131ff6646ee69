using System.Diagnostics;
using System.Globalization;
using System.Text;
using FusionCluster.Grains.Abstractions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace FusionCluster.Dashboard.EndToEnd.Tests;

/// <summary>
/// How responsive the job list and the job page are with 200 jobs and a 2,000-unit job, measured in
/// chromium against the real grains (jobs are dispatch probes: empty units through the whole dispatch
/// path). Prints the figures and writes them to TestResults/dashboard/responsiveness.md; it asserts only
/// that the pages work, never a time.
/// </summary>
[Collection(MeasurementCollection.Name)]
[Trait("Category", "Measurement")]
public sealed class ResponsivenessMeasurement(DashboardHost host)
{
    private const int SeededJobs = 200;
    private const int Units = 2_000;
    private const int Repeats = 5;

    private readonly StringBuilder report = new();

    [Fact]
    public async Task Job_list_and_job_page_with_200_jobs_and_2000_units()
    {
        var cancellation = Xunit.TestContext.Current.CancellationToken;
        var client = host.Services.GetRequiredService<IClusterClient>();
        var seeding = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, SeededJobs), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellation }, async (i, _) =>
            await client.GetGrain<IMergeJobGrain>($"seed-{i:000}").Start(Probe($"seed-{i:000}.yaml", 10, 0)));
        var big = client.GetGrain<IMergeJobGrain>("probe-2000");
        await big.Start(Probe("probe-2000.yaml", Units, 0));
        await WaitFinishedAsync(big, cancellation);
        await WaitForCatalogAsync(client, SeededJobs + 1, cancellation);
        var catalogSize = (await client.GetGrain<IJobCatalogGrain>("default").List()).Count;
        Line($"Seeded {SeededJobs} jobs of 10 units and one of {Units} units in {seeding.Elapsed.TotalSeconds:0.0} s; the catalog holds {catalogSize} jobs.");
        Line("");
        Line("| what | median ms | min ms | max ms | samples |");
        Line("|---|---|---|---|---|");

        await using var session = await host.SignInAsync(DashboardHost.OperatorName, DashboardHost.OperatorPassword);
        var page = session.Page;

        // 1. Job list: navigation start to the first page of rows rendered (circuit start included).
        var listLoads = new List<double>();
        for (var i = 0; i < Repeats; i++)
        {
            await page.GotoAsync(session.Url("/jobs"));
            listLoads.Add(await TimeSinceNavigationAsync(page, "() => document.querySelectorAll('.jobs-grid tbody tr').length >= 25"));
        }

        Row($"job list ({catalogSize} jobs): navigation to first 25 rows shown", listLoads);

        // 2. Sorting by job id (ascending, descending, unsorted, ...): click to the rows re-ordered.
        var sorts = new List<double>();
        for (var i = 0; i < Repeats; i++)
        {
            sorts.Add(await TimeInteractionAsync(page, () => page.Locator(".jobs-grid th .sortable-column-header", new() { HasTextString = "Job" }).ClickAsync(), "document.querySelector('.jobs-grid tbody').textContent"));
        }

        Row("job list: sort by a column (click to rows re-ordered)", sorts);

        // 3. Filtering: typing a search to the rows filtered (includes the search box's 150 ms debounce).
        var filters = new List<double>();
        for (var i = 0; i < Repeats; i++)
        {
            var term = $"seed-{(i * 37) % SeededJobs:000}";
            filters.Add(await TimeInteractionAsync(page, () => page.Locator(".jobs-search input").FillAsync(term), "document.querySelector('.jobs-grid tbody').textContent", $"Array.from(document.querySelectorAll('.jobs-grid tbody tr')).every(r => r.textContent.includes('{term}'))"));
            await page.Locator(".jobs-search input").FillAsync("");
            await page.WaitForFunctionAsync("() => document.querySelectorAll('.jobs-grid tbody tr').length >= 25");
        }

        Row("job list: search typed to rows filtered (150 ms debounce included)", filters);

        // 4. Job page of a finished 2,000-unit job: navigation start to every unit cell rendered.
        var detailLoads = new List<double>();
        for (var i = 0; i < Repeats; i++)
        {
            await page.GotoAsync(session.Url("/jobs/probe-2000"));
            detailLoads.Add(await TimeSinceNavigationAsync(page, $"() => document.querySelectorAll('#unit-grid .unit').length === {Units}"));
        }

        Row($"job page ({Units} units, finished): navigation to unit grid shown", detailLoads);

        // 5. Live, as fast as the dispatch path goes: the page of a 2,000-unit probe job is open before the
        // job starts; one unit runs at a time. Each unit's finish, as the grain stamped it, to its cell turning green.
        var (probeLatencies, probeSeconds, clicks) = await MeasureLiveAsync(page, session, client, "probe-2000-live", Probe("probe-2000-live.yaml", Units, 1), measureClicks: true, cancellation);
        Row("live, 2,000-unit probe job: unit finished in the grain to its cell green in the browser", probeLatencies, percentiles: true);
        Row("job page while those events stream: a click to its answer (drawer folds)", clicks);

        // 6. Live at the pace of real work: a TIES merge of the three small synthetic models.
        var merge = new MergeRequest
        {
            SpecText = $"merge_method: ties\nbase_model: base\nmodels:\n  - model: ft-1\n    parameters:\n      weight: 1.0\n      density: 0.5\n  - model: ft-2\n    parameters:\n      weight: 1.0\n      density: 0.5\ndtype: bfloat16\n",
            SpecDirectory = host.ModelsDirectory,
            SpecName = "ties.yaml",
            Output = Path.Combine(host.OutputsDirectory, "measurement-ties"),
            SubmittedBy = "measurement",
        };
        var (mergeLatencies, mergeSeconds, _) = await MeasureLiveAsync(page, session, client, "ties-live", merge, measureClicks: false, cancellation);
        Row("live, real TIES merge: unit finished in the grain to its cell green in the browser", mergeLatencies, percentiles: true);

        Line("");
        Line(string.Create(CultureInfo.InvariantCulture, $"The probe job ran {Units} units in {probeSeconds:0.0} s ({Units / Math.Max(probeSeconds, 0.001):0} units a second, two events each); the TIES merge ran {mergeLatencies.Count} units in {mergeSeconds:0.0} s. Both pages were open before their jobs started; every unit has a latency sample."));
        await session.ScreenshotAsync(Path.Combine(host.ResultsDirectory, "screenshots"), "07-job-2000-units");

        var text = report.ToString();
        await File.WriteAllTextAsync(Path.Combine(host.ResultsDirectory, "responsiveness.md"), text, cancellation);
        Xunit.TestContext.Current.SendDiagnosticMessage(text);
        Assert.NotEmpty(probeLatencies);
        Assert.NotEmpty(mergeLatencies);
        Assert.True(session.Errors.Count == 0, "browser console errors:\n" + string.Join("\n", session.Errors));
    }

    /// <summary>Opens the job's page, starts the job, and returns each unit's grain-to-browser latency, the job's run time and click timings.</summary>
    private static async Task<(List<double> Latencies, double Seconds, List<double> Clicks)> MeasureLiveAsync(
        IPage page, BrowserSession session, IClusterClient client, string jobId, MergeRequest request, bool measureClicks, CancellationToken cancellationToken)
    {
        var recorder = new JobEventRecorder();
        var reference = client.CreateObjectReference<IJobObserver>(recorder);
        var job = client.GetGrain<IMergeJobGrain>(jobId);
        await job.Subscribe(reference);
        await page.GotoAsync(session.Url($"/jobs/{jobId}"));
        await page.Locator("#job-not-found").WaitForAsync();

        // After each DOM change (one per render batch Blazor applies), every cell that has newly turned green is stamped.
        await page.EvaluateAsync("""
            () => {
                window.fcDone = {};
                new MutationObserver(() => {
                    const now = Date.now();
                    document.querySelectorAll('#unit-grid .unit').forEach((cell, i) => {
                        if (!(i in window.fcDone) && cell.classList.contains('unit-done')) window.fcDone[i] = now;
                    });
                }).observe(document.querySelector('.mud-main-content'), { subtree: true, childList: true, attributes: true, attributeFilter: ['class'] });
            }
            """);
        var status = await job.Start(request);
        Assert.NotEqual(JobState.Failed, status.State);
        await page.Locator("#unit-grid").WaitForAsync();

        // While the events stream in: a click answered by the circuit (the menu button folds the drawer).
        var clicks = new List<double>();
        while (measureClicks && clicks.Count < 6 && !(await job.GetStatus()).IsFinished)
        {
            clicks.Add(await TimeInteractionAsync(page, () => page.Locator("header button[aria-label=menu]").ClickAsync(), "document.querySelector('.mud-drawer').className"));
        }

        await WaitFinishedAsync(job, cancellationToken);
        var seconds = (await job.GetStatus()).ElapsedSeconds;
        await Assertions.Expect(page.Locator("#job-percent")).ToHaveTextAsync("100%", new() { Timeout = 30_000 });
        await job.Unsubscribe(reference);
        client.DeleteObjectReference<IJobObserver>(reference);
        var shown = await page.EvaluateAsync<Dictionary<string, double>>("() => window.fcDone");
        var latencies = shown
            .Where(s => recorder.Finished.ContainsKey(int.Parse(s.Key, CultureInfo.InvariantCulture)))
            .Select(s => s.Value - recorder.Finished[int.Parse(s.Key, CultureInfo.InvariantCulture)].ToUnixTimeMilliseconds())
            .ToList();
        return (latencies, seconds, clicks);
    }

    private static MergeRequest Probe(string name, int units, int parallel) =>
        new() { SpecText = "", SpecDirectory = "/", Output = "", SpecName = name, ProbeUnits = units, MaxParallelUnits = parallel, SubmittedBy = "measurement" };

    private static async Task WaitFinishedAsync(IMergeJobGrain job, CancellationToken cancellationToken)
    {
        while (!(await job.GetStatus()).IsFinished)
        {
            await Task.Delay(100, cancellationToken);
        }
    }

    private static async Task WaitForCatalogAsync(IClusterClient client, int jobs, CancellationToken cancellationToken)
    {
        while ((await client.GetGrain<IJobCatalogGrain>("default").List()).Count(j => j.State == JobState.Succeeded) < jobs)
        {
            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>Milliseconds from the page's navigation start to <paramref name="condition"/> first holding, on the browser's clock.</summary>
    private static async Task<double> TimeSinceNavigationAsync(IPage page, string condition)
    {
        var handle = await page.WaitForFunctionAsync($"() => ({condition})() ? performance.now() : false", null, new() { PollingInterval = null, Timeout = 60_000 });
        return await handle.JsonValueAsync<double>();
    }

    /// <summary>
    /// Milliseconds from the user's action (the browser's own click or input event) to the page answering:
    /// <paramref name="condition"/> holding, by default the value of <paramref name="snapshot"/> changing.
    /// </summary>
    private static async Task<double> TimeInteractionAsync(IPage page, Func<Task> act, string snapshot, string? condition = null)
    {
        await page.EvaluateAsync($$"""
            () => {
                window.fcBefore = {{snapshot}};
                window.fcStart = undefined;
                const mark = () => { if (window.fcStart === undefined) window.fcStart = performance.now(); };
                document.addEventListener('click', mark, { capture: true, once: true });
                document.addEventListener('input', mark, { capture: true, once: true });
            }
            """);
        await act();
        condition ??= $"({snapshot}) !== window.fcBefore";
        var handle = await page.WaitForFunctionAsync($"() => ({condition}) && window.fcStart !== undefined ? performance.now() - window.fcStart : false", null, new() { PollingInterval = null, Timeout = 30_000 });
        return await handle.JsonValueAsync<double>();
    }

    private void Row(string what, IReadOnlyList<double> samples, bool percentiles = false)
    {
        var sorted = samples.Order().ToList();
        var median = sorted.Count == 0 ? double.NaN : sorted[sorted.Count / 2];
        var detail = percentiles && sorted.Count > 0
            ? string.Create(CultureInfo.InvariantCulture, $" (p95 {sorted[(int)(sorted.Count * 0.95)]:0})")
            : "";
        Line(string.Create(CultureInfo.InvariantCulture, $"| {what} | {median:0}{detail} | {(sorted.Count > 0 ? sorted[0] : double.NaN):0} | {(sorted.Count > 0 ? sorted[^1] : double.NaN):0} | {sorted.Count} |"));
    }

    private void Line(string text) => report.AppendLine(text);
}
