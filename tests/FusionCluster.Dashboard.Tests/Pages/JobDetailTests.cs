using FusionCluster.Dashboard.Artifacts;
using FusionCluster.Dashboard.Components.Pages;
using FusionCluster.Dashboard.Security;
using FusionCluster.Dashboard.Tests.Artifacts;
using FusionCluster.Dashboard.Tests.Fakes;
using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Dashboard.Tests.Pages;

public sealed class JobDetailTests : DashboardTestContext
{
    private const string JobId = "20261123-120000-abcdef";

    public JobDetailTests() => SignInAs(DashboardRoles.Viewer);

    [Fact]
    public void While_the_job_loads_shows_loading()
    {
        Cluster.JobGate = new TaskCompletionSource();

        var page = RenderJob();

        Assert.Contains($"Loading job {JobId}", page.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void Unreachable_cluster_shows_the_error_and_retries()
    {
        Cluster.Failure = new TimeoutException("no gateway answered (AccountKey=abc123secret)");

        var page = RenderJob();

        var error = page.Find("#job-load-error").TextContent;
        Assert.Contains("no gateway answered", error, StringComparison.Ordinal);
        Assert.DoesNotContain("abc123secret", error, StringComparison.Ordinal);

        Cluster.Failure = null;
        Cluster.Statuses[JobId] = Samples.Running(JobId, 4);
        page.Find("#job-retry").Click();
        page.WaitForAssertion(() => Assert.Contains($"Job {JobId}", page.Find("#job-title").TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public void Unknown_job_says_so()
    {
        Assert.Contains($"no job '{JobId}'", RenderJob().Find("#job-not-found").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Job_started_after_the_page_opened_appears()
    {
        var page = RenderJob();
        Assert.NotNull(page.Find("#job-not-found"));
        Assert.True(Cluster.Watchers.ContainsKey(JobId));

        Cluster.Statuses[JobId] = Samples.Running(JobId, 4);
        Cluster.Units[JobId] = Samples.Units(4);
        Cluster.Push(Samples.Event(JobId, JobEventKind.StateChanged, -1));

        page.WaitForAssertion(() => Assert.Equal(4, page.FindAll("#unit-grid .unit").Count));
    }

    [Fact]
    public void Planning_job_has_no_units_yet()
    {
        Cluster.Statuses[JobId] = Samples.Running(JobId, 0) with { State = JobState.Planning };

        var page = RenderJob();

        Assert.Contains("The job is planning", page.Find("#no-units").TextContent, StringComparison.Ordinal);
        Assert.Equal("0%", page.Find("#job-percent").TextContent);
        Assert.NotNull(page.Find("#no-errors"));
        Assert.NotNull(page.Find("#no-shares"));
    }

    [Fact]
    public void Running_job_shows_progress_units_and_shares()
    {
        Cluster.Statuses[JobId] = Samples.Running(JobId, 10, done: 4, running: 2);
        Cluster.Units[JobId] = Samples.Units(10, done: 4, running: 2);

        var page = RenderJob();

        Assert.Equal("40%", page.Find("#job-percent").TextContent);
        Assert.Contains("4 / 10 units", page.Find("#job-progress").TextContent, StringComparison.Ordinal);
        var cells = page.FindAll("#unit-grid .unit");
        Assert.Equal(10, cells.Count);
        Assert.Equal(4, page.FindAll("#unit-grid .unit-done").Count);
        Assert.Equal(2, page.FindAll("#unit-grid .unit-running").Count);
        Assert.Equal("E", cells[0].TextContent);
        Assert.Equal("#1 layer 0: Done on silo-1, 976.6 KiB", cells[1].GetAttribute("title"));
        Assert.Contains("silo-1", page.Find("#silo-shares").TextContent, StringComparison.Ordinal);
        Assert.Contains("The result is published when every unit is done", page.Find("#output-pending").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Running_job_says_which_device_computes_it()
    {
        Cluster.Statuses[JobId] = Samples.Running(JobId, 10, done: 4, running: 2) with { Device = "cuda" };

        var page = RenderJob();

        Assert.Equal("on cuda", page.Find("#job-device").TextContent);
    }

    [Fact]
    public void Unit_events_recolour_the_grid_live()
    {
        Cluster.Statuses[JobId] = Samples.Running(JobId, 10);
        Cluster.Units[JobId] = Samples.Units(10);
        var page = RenderJob();

        // The grain's own state moves on too, so the page's periodic snapshot agrees with the events.
        var units = Samples.Units(10);
        units[3] = units[3] with { State = UnitState.Running, Silo = "silo-1" };
        units[5] = units[5] with { State = UnitState.Done, Silo = "silo-1" };
        Cluster.Units[JobId] = units;
        Cluster.Push(Samples.Event(JobId, JobEventKind.UnitStarted, 3));
        Cluster.Push(Samples.Event(JobId, JobEventKind.UnitFinished, 5));

        page.WaitForAssertion(() =>
        {
            var cells = page.FindAll("#unit-grid .unit");
            Assert.Contains("unit-running", cells[3].ClassName, StringComparison.Ordinal);
            Assert.Contains("unit-done", cells[5].ClassName, StringComparison.Ordinal);
            Assert.Equal("10%", page.Find("#job-percent").TextContent);
        });
    }

    [Fact]
    public void No_subscription_says_progress_is_polled()
    {
        Cluster.Statuses[JobId] = Samples.Running(JobId, 4);
        Cluster.Units[JobId] = Samples.Units(4);
        Cluster.WatchFailure = new InvalidOperationException("observer limit reached");

        var page = RenderJob();

        Assert.Contains("cannot subscribe to the job's events (observer limit reached)", page.Find("#job-watch-error").TextContent, StringComparison.Ordinal);
        Assert.Equal(4, page.FindAll("#unit-grid .unit").Count);
    }

    [Fact]
    public void Failed_attempts_are_listed_with_unit_and_message()
    {
        Cluster.Statuses[JobId] = Samples.Running(JobId, 4);
        Cluster.Units[JobId] = Samples.Units(4);
        var page = RenderJob();

        var units = Samples.Units(4);
        units[2] = units[2] with { State = UnitState.Failed, Silo = "silo-2", LastError = "out of memory reading layer 1" };
        Cluster.Units[JobId] = units;
        Cluster.Push(Samples.Event(JobId, JobEventKind.UnitFailed, 2, "silo-2", "out of memory reading layer 1"));

        page.WaitForAssertion(() =>
        {
            var row = page.Find("#unit-errors tbody tr");
            Assert.Contains("#2 layer 1", row.TextContent, StringComparison.Ordinal);
            Assert.Contains("silo-2", row.TextContent, StringComparison.Ordinal);
            Assert.Contains("out of memory reading layer 1", row.TextContent, StringComparison.Ordinal);
            Assert.Contains("unit-failed", page.FindAll("#unit-grid .unit")[2].ClassName, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void A_finished_job_whose_silo_died_marks_the_retried_units_and_lists_them_in_errors()
    {
        var diedAt = Samples.Submitted.AddSeconds(42);
        Cluster.Statuses[JobId] = Samples.Succeeded(JobId, 4) with { Retries = 2, Output = "" };
        var units = Samples.Units(4, done: 4);
        foreach (var lost in new[] { 1, 2 })
        {
            units[lost] = units[lost] with
            {
                Attempts = 2,
                History = [Samples.Attempt(1, "silo-3", UnitAttemptOutcome.Lost, diedAt, "silo silo-3 left the cluster"), Samples.Attempt(2, "silo-1", UnitAttemptOutcome.Succeeded)],
            };
        }

        Cluster.Units[JobId] = units;

        var page = RenderJob();

        var cells = page.FindAll("#unit-grid .unit");
        Assert.Equal([false, true, true, false], cells.Select(c => c.ClassList.Contains("unit-lost")));
        Assert.Contains("retried: silo lost 2", page.Find("#unit-legend").TextContent, StringComparison.Ordinal);
        Assert.Equal("2 retries (2 units lost with a silo)", page.Find("#job-retries").TextContent);
        var rows = page.FindAll("#unit-errors tbody tr");
        Assert.Equal(2, rows.Count);
        Assert.All(rows, row =>
        {
            Assert.Contains("2026-11-23 12:00:42 UTC", row.TextContent, StringComparison.Ordinal);
            Assert.Contains("silo-3", row.TextContent, StringComparison.Ordinal);
            Assert.Contains("silo lost", row.TextContent, StringComparison.Ordinal);
            Assert.Contains("silo silo-3 left the cluster", row.TextContent, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Status_refresh_updates_progress_without_events()
    {
        Cluster.Statuses[JobId] = Samples.Running(JobId, 10, done: 1);
        Cluster.Units[JobId] = Samples.Units(10, done: 1);
        var page = RenderJob();

        Cluster.Statuses[JobId] = Samples.Running(JobId, 10, done: 7);
        Cluster.Units[JobId] = Samples.Units(10, done: 7);

        page.WaitForAssertion(() => Assert.Equal("70%", page.Find("#job-percent").TextContent), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void Succeeded_job_lists_artifacts_report_and_spec()
    {
        Cluster.Statuses[JobId] = Samples.Succeeded(JobId, 4);
        Cluster.Units[JobId] = Samples.Units(4, done: 4);
        Artifacts.Files["config.json"] = "{}";
        Artifacts.Files["model.safetensors"] = "weights";
        Artifacts.Files["fusion-report.json"] = MergeReportReaderTests.Report;

        var page = RenderJob();

        Assert.Equal("100%", page.Find("#job-percent").TextContent);
        var links = page.FindAll(".artifact-link");
        Assert.Equal(["config.json", "fusion-report.json", "model.safetensors"], links.Select(l => l.TextContent));
        Assert.Equal($"jobs/{JobId}/artifacts/model.safetensors", links[2].GetAttribute("href"));
        Assert.Contains("method ties", page.Find("#merge-report").TextContent, StringComparison.Ordinal);
        Assert.Equal("merge_method: ties\n", page.Find("#job-spec").TextContent);
        Assert.Empty(page.FindAll("#job-cancel"));
    }

    [Fact]
    public void Succeeded_job_whose_output_cannot_be_read_says_why()
    {
        Cluster.Statuses[JobId] = Samples.Succeeded(JobId, 4);
        Cluster.Units[JobId] = Samples.Units(4, done: 4);
        Artifacts.Failure = new ArtifactException("az://results/x: blob storage answered 403 AuthorizationFailure");

        var page = RenderJob();

        Assert.Contains("403 AuthorizationFailure", page.Find("#artifact-error").TextContent, StringComparison.Ordinal);
        Assert.Contains("403 AuthorizationFailure", page.Find("#report-error").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Succeeded_job_with_empty_output_says_so()
    {
        Cluster.Statuses[JobId] = Samples.Succeeded(JobId, 4);
        Cluster.Units[JobId] = Samples.Units(4, done: 4);

        var page = RenderJob();

        Assert.NotNull(page.Find("#no-artifacts"));
        Assert.NotNull(page.Find("#no-report"));
        Assert.NotNull(page.Find("#no-spec"));
    }

    [Fact]
    public void Failed_job_shows_its_error_and_publishes_nothing()
    {
        Cluster.Statuses[JobId] = Samples.Running(JobId, 4, done: 2) with { State = JobState.Failed, Error = "unit 2 (layer 1) failed: tensor shape mismatch" };
        Cluster.Units[JobId] = Samples.Units(4, done: 2);

        var page = RenderJob();

        Assert.Contains("tensor shape mismatch", page.Find("#job-failure").TextContent, StringComparison.Ordinal);
        Assert.Contains("Nothing was published", page.Find("#output-pending").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Spec_submitted_here_is_shown_while_running()
    {
        Cluster.Statuses[JobId] = Samples.Running(JobId, 4);
        Specs.Remember(JobId, "merge_method: linear\n");

        Assert.Equal("merge_method: linear\n", RenderJob().Find("#job-spec").TextContent);
    }

    [Fact]
    public void Spec_submitted_elsewhere_is_shown_from_the_job_while_running()
    {
        Cluster.Statuses[JobId] = Samples.Running(JobId, 4) with { SpecText = "merge_method: slerp\n" };

        Assert.Equal("merge_method: slerp\n", RenderJob().Find("#job-spec").TextContent);
    }

    [Fact]
    public void Viewer_has_no_cancel_button()
    {
        Cluster.Statuses[JobId] = Samples.Running(JobId, 4);

        Assert.Empty(RenderJob().FindAll("#job-cancel"));
    }

    [Fact]
    public async Task Operator_cancels_after_confirming()
    {
        SignInAs(DashboardRoles.Operator);
        Cluster.Statuses[JobId] = Samples.Running(JobId, 4);
        var page = RenderJob();

        // Found and clicked in one dispatch: the page re-renders every 100 ms, which renews the buttons' handlers.
        await page.InvokeAsync(() => page.Find("#job-cancel").Click());
        Assert.Empty(Cluster.Cancelled);
        await page.InvokeAsync(() => page.Find("#job-cancel-confirm").Click());

        page.WaitForAssertion(() => Assert.Equal([JobId], Cluster.Cancelled));
        page.WaitForAssertion(() => Assert.Contains("Cancelled", page.Find("#job-state").TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Operator_who_lost_the_role_is_refused_by_the_server()
    {
        SignInAs(DashboardRoles.Operator);
        Cluster.Statuses[JobId] = Samples.Running(JobId, 4);
        var page = RenderJob();
        // Found and clicked in one dispatcher turn: the page re-renders on its own (status refresh), and a
        // handler found before a re-render is gone after it (bunit's UnknownEventHandlerIdException under load).
        await page.InvokeAsync(() => page.Find("#job-cancel").Click());

        // The button was rendered for an operator; the circuit's user is a viewer by the time it is pressed.
        SignInAs(DashboardRoles.Viewer);
        page.WaitForElement("#job-cancel-confirm");
        await page.InvokeAsync(() => page.Find("#job-cancel-confirm").Click());

        page.WaitForAssertion(() => Assert.Contains("only operators may cancel merges", page.Find("#job-command-error").TextContent, StringComparison.Ordinal));
        Assert.Empty(Cluster.Cancelled);
    }

    [Fact]
    public void Large_job_renders_a_compact_grid_of_2000_cells()
    {
        Cluster.Statuses[JobId] = Samples.Running(JobId, 2000, done: 500);
        Cluster.Units[JobId] = Samples.Units(2000, done: 500);

        var page = RenderJob();

        Assert.Equal(2000, page.FindAll("#unit-grid .unit").Count);
        Assert.Contains("compact", page.Find("#unit-grid").ClassName, StringComparison.Ordinal);
        Assert.Equal("", page.FindAll("#unit-grid .unit")[5].TextContent);
    }

    [Fact]
    public async Task Leaving_the_page_ends_the_subscription()
    {
        Cluster.Statuses[JobId] = Samples.Running(JobId, 4);
        var page = RenderJob();
        Assert.True(Cluster.Watchers.ContainsKey(JobId));

        await DisposeComponentsAsync();

        Assert.False(Cluster.Watchers.ContainsKey(JobId));
    }

    [Fact]
    public void A_finished_job_still_shows_its_throughput_curve_from_the_samples_it_kept()
    {
        Cluster.Statuses[JobId] = Samples.Succeeded(JobId, 4) with { Output = "", ElapsedSeconds = 6, BytesDone = 7_200_000 };
        Cluster.Units[JobId] = Samples.Units(4, done: 4);
        Cluster.Metrics[JobId] = Enumerable.Range(0, 7)
            .Select(s => new JobMetricSample { At = Samples.Submitted.AddSeconds(s), ElapsedSeconds = s, BytesDone = s * s * 200_000L })
            .ToList();

        var page = RenderJob();

        // Bytes grow as 200 kB * s^2: the rates per second are 200, 600, ..., 2,200 kB/s; the peak, 2,200,000 B/s, is 2.1 MiB/s.
        Assert.Empty(page.FindAll(".chart-empty:not(.resources-empty)"));
        Assert.Contains("from the samples the job keeps", page.Find("#throughput-caption").TextContent, StringComparison.Ordinal);
        Assert.Contains("peak 2.1 MiB/s", page.Find("#throughput-caption").TextContent, StringComparison.Ordinal);
        Assert.NotEmpty(page.FindAll(".mud-chart svg, .mud-chart-line"));
    }

    [Fact]
    public void A_finished_job_without_kept_samples_says_there_are_too_few()
    {
        Cluster.Statuses[JobId] = Samples.Succeeded(JobId, 4) with { Output = "" };
        Cluster.Units[JobId] = Samples.Units(4, done: 4);

        var page = RenderJob();

        Assert.Contains("Too few samples", page.Find(".chart-empty").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Clicking_a_unit_opens_its_detail_in_the_side_panel()
    {
        Cluster.Statuses[JobId] = Samples.Succeeded(JobId, 4) with { Output = "" };
        var units = Samples.Units(4, done: 4);
        units[2] = units[2] with { Attempts = 2, History = [Samples.Attempt(1, "silo-3", UnitAttemptOutcome.Failed, reason: "out of memory"), Samples.Attempt(2, "silo-1", UnitAttemptOutcome.Succeeded)] };
        Cluster.Units[JobId] = units;
        var page = RenderJob();
        Assert.Empty(page.FindAll("#unit-panel-body"));

        page.FindAll("#unit-grid .unit")[2].Click();

        page.WaitForAssertion(() => Assert.Equal("#2 layer 1", page.Find("#unit-panel-title").TextContent));
        Assert.Contains("out of memory", page.Find("#unit-panel-history").TextContent, StringComparison.Ordinal);
        Assert.Contains("unit-selected", page.FindAll("#unit-grid .unit")[2].ClassName, StringComparison.Ordinal);
        Assert.Equal(2, page.FindAll("#job-timeline .timeline-bar").Count);
    }

    [Fact]
    public void The_job_shows_the_cpu_and_memory_of_the_silos_that_ran_its_units_while_it_ran()
    {
        // The job ran 10 s from submission on silo-1; silo-2 did none of its units.
        Cluster.Statuses[JobId] = Samples.Succeeded(JobId, 4);
        Cluster.Units[JobId] = Samples.Units(4, done: 4);
        var at = Samples.Submitted;
        Monitor.Resources =
        [
            new SiloResourceHistory("silo-1", [Resource(at.AddMinutes(-10), 5), Resource(at.AddSeconds(5), 80), Resource(at.AddSeconds(15), 70), Resource(at.AddMinutes(10), 5)]),
            new SiloResourceHistory("silo-2", [Resource(at.AddSeconds(5), 1)]),
        ];

        var page = RenderJob();

        page.WaitForAssertion(() => Assert.Equal(["silo-1 (2)"], page.Find("#job-resources .resource-cpu").QuerySelectorAll(".chart-legend-item").Select(e => e.TextContent.Trim())));
        Assert.Contains("minutes into the job", page.Find("#job-resources .resource-memory svg").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void A_job_without_readings_of_its_silos_says_the_cluster_keeps_none()
    {
        Cluster.Statuses[JobId] = Samples.Succeeded(JobId, 4);
        Cluster.Units[JobId] = Samples.Units(4, done: 4);

        var page = RenderJob();

        page.WaitForAssertion(() => Assert.Contains("keeps no CPU or memory readings", page.Find("#job-resources").TextContent, StringComparison.Ordinal));
    }

    private static SiloResourceSample Resource(DateTimeOffset at, double cpu) => new() { At = at, CpuPercent = cpu, WorkingSetBytes = 300L << 20 };

    private IRenderedComponent<JobDetail> RenderJob() => Render<JobDetail>(p => p.Add(x => x.JobId, JobId));
}
