using JobsPage = FusionCluster.Dashboard.Components.Pages.Jobs;
using FusionCluster.Dashboard.Security;
using FusionCluster.Dashboard.Services;
using FusionCluster.Dashboard.Tests.Fakes;
using FusionCluster.Grains.Abstractions;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace FusionCluster.Dashboard.Tests.Pages;

public sealed class JobsTests : DashboardTestContext
{
    public JobsTests()
    {
        SignInAs(DashboardRoles.Viewer);
        Render<MudPopoverProvider>();
    }

    [Fact]
    public void Before_the_first_poll_shows_loading()
    {
        Assert.Contains("Loading jobs", Render<JobsPage>().Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void Ticking_two_jobs_links_compare_to_them_and_a_third_tick_replaces_the_oldest()
    {
        Monitor.Latest = new ClusterSnapshot([], [Samples.Summary(1), Samples.Summary(2), Samples.Summary(3)], Samples.Submitted, null);

        var page = Render<JobsPage>();
        Assert.Contains("Compare (0/2)", page.Find("#jobs-compare").TextContent, StringComparison.Ordinal);

        // Newest first: job-003, job-002, job-001.
        page.FindAll("input.job-compare")[0].Change(true);
        page.FindAll("input.job-compare")[1].Change(true);
        Assert.Equal("jobs/compare?a=job-003&b=job-002", page.Find("#jobs-compare").GetAttribute("href"));

        page.FindAll("input.job-compare")[2].Change(true);
        Assert.Equal("jobs/compare?a=job-002&b=job-001", page.Find("#jobs-compare").GetAttribute("href"));
        Assert.Contains("Compare (2/2)", page.Find("#jobs-compare").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void No_jobs_says_so()
    {
        Monitor.Latest = new ClusterSnapshot([], [], Samples.Submitted, null);

        Assert.Contains("No jobs yet", Render<JobsPage>().Find("#jobs-empty").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Unreachable_cluster_shows_the_error()
    {
        Monitor.Latest = new ClusterSnapshot([], [], Samples.Submitted, "connection refused");

        Assert.Contains("connection refused", Render<JobsPage>().Find("#jobs-error").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Unreachable_cluster_keeps_the_last_list_with_a_warning()
    {
        Monitor.Latest = new ClusterSnapshot([], [Samples.Summary(1)], Samples.Submitted, "connection refused");

        var page = Render<JobsPage>();

        Assert.Contains("connection refused", page.Find("#jobs-stale").TextContent, StringComparison.Ordinal);
        Assert.Single(page.FindAll(".job-link"));
    }

    [Fact]
    public void Jobs_show_state_progress_eta_size_method_and_submitter_newest_first()
    {
        Monitor.Latest = new ClusterSnapshot([], [Samples.Summary(1), Samples.Summary(2, JobState.Running, "ties", "bob")], Samples.Submitted, null);

        var page = Render<JobsPage>();

        page.WaitForAssertion(() => Assert.Contains("job-002", page.FindAll(".jobs-grid tbody tr")[0].TextContent, StringComparison.Ordinal));
        var rows = page.FindAll(".jobs-grid tbody tr");
        Assert.Equal(2, rows.Count);
        Assert.Contains("Running", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("40%", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("30.0 s", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("19.1 MiB", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("ties", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("bob", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("2026-11-23 12:02:00 UTC", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Equal("jobs/job-002", rows[0].QuerySelector(".job-link")!.GetAttribute("href"));
    }

    [Fact]
    public void Search_filters_the_list()
    {
        Monitor.Latest = new ClusterSnapshot([], Enumerable.Range(1, 30).Select(i => Samples.Summary(i, method: i % 3 == 0 ? "slerp" : "linear")).ToList(), Samples.Submitted, null);
        var page = Render<JobsPage>();

        page.Find(".jobs-search input").Input("slerp");

        page.WaitForAssertion(() => Assert.Equal(10, page.FindAll(".jobs-grid tbody tr").Count));
        Assert.All(page.FindAll(".jobs-grid tbody tr"), row => Assert.Contains("slerp", row.TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public void Search_without_matches_says_so()
    {
        Monitor.Latest = new ClusterSnapshot([], [Samples.Summary(1)], Samples.Submitted, null);
        var page = Render<JobsPage>();

        page.Find(".jobs-search input").Input("nothing-like-this");

        page.WaitForAssertion(() => Assert.NotNull(page.Find("#jobs-no-match")));
    }

    [Fact]
    public void State_query_filters_by_state()
    {
        Monitor.Latest = new ClusterSnapshot([], [Samples.Summary(1), Samples.Summary(2, JobState.Failed), Samples.Summary(3, JobState.Failed)], Samples.Submitted, null);
        Services.GetRequiredService<NavigationManager>().NavigateTo("jobs?state=failed");

        var page = Render<JobsPage>();

        Assert.Equal(2, page.FindAll(".jobs-grid tbody tr").Count);
    }

    [Fact]
    public void Column_header_sorts_the_list()
    {
        Monitor.Latest = new ClusterSnapshot([], [Samples.Summary(3), Samples.Summary(1), Samples.Summary(2)], Samples.Submitted, null);
        var page = Render<JobsPage>();
        Assert.Equal(["job-003", "job-002", "job-001"], page.FindAll(".job-link").Select(l => l.TextContent));

        page.FindAll(".sortable-column-header").Single(h => h.TextContent.Trim() == "Size").Click();

        page.WaitForAssertion(() => Assert.Equal(["job-001", "job-002", "job-003"], page.FindAll(".job-link").Select(l => l.TextContent)));
    }

    [Fact]
    public void Large_catalog_is_paged()
    {
        Monitor.Latest = new ClusterSnapshot([], Enumerable.Range(1, 200).Select(i => Samples.Summary(i)).ToList(), Samples.Submitted, null);

        var page = Render<JobsPage>();

        Assert.Equal(25, page.FindAll(".jobs-grid tbody tr").Count);
    }

    [Fact]
    public void Viewer_does_not_see_new_merge_operator_does()
    {
        Monitor.Latest = new ClusterSnapshot([], [], Samples.Submitted, null);
        Assert.Empty(Render<JobsPage>().FindAll("#jobs-new-merge"));

        SignInAs(DashboardRoles.Operator);
        Assert.Single(Render<JobsPage>().FindAll("#jobs-new-merge"));
    }

    [Fact]
    public void Next_poll_updates_the_list()
    {
        Monitor.Latest = new ClusterSnapshot([], [Samples.Summary(1, JobState.Running)], Samples.Submitted, null);
        var page = Render<JobsPage>();

        Monitor.Publish(new ClusterSnapshot([], [Samples.Summary(1)], Samples.Submitted, null));

        page.WaitForAssertion(() => Assert.Contains("100%", page.Find(".jobs-grid tbody tr").TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public void Filters_come_from_the_url_and_changing_one_writes_it_back()
    {
        Monitor.Latest = new ClusterSnapshot([], [Samples.Summary(1, user: "alice"), Samples.Summary(2, JobState.Failed, user: "alice"), Samples.Summary(3, JobState.Failed, user: "bob")], Samples.Submitted, null);
        var navigation = Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo("jobs?state=failed&q=alice");

        var page = Render<JobsPage>();

        Assert.Equal(["job-002"], page.FindAll(".job-link").Select(l => l.TextContent));
        page.Find(".jobs-search input").Input("bob");
        page.WaitForAssertion(() => Assert.Equal(["job-003"], page.FindAll(".job-link").Select(l => l.TextContent)));
        Assert.EndsWith("jobs?state=failed&q=bob", navigation.Uri, StringComparison.Ordinal);
    }

    [Fact]
    public void Sweep_candidates_are_tagged_and_can_be_shown_alone_or_left_out()
    {
        Monitor.Latest = new ClusterSnapshot([], [Samples.Summary(1), Samples.Summary(2, user: "sweep nightly"), Samples.Summary(3, user: "sweep nightly")], Samples.Submitted, null);
        var navigation = Services.GetRequiredService<NavigationManager>();

        navigation.NavigateTo("jobs?origin=sweeps");
        var page = Render<JobsPage>();
        Assert.Equal(["job-003", "job-002"], page.FindAll(".job-link").Select(l => l.TextContent));
        Assert.Equal("sweeps/nightly", page.Find(".sweep-tag a").GetAttribute("href"));

        navigation.NavigateTo("jobs?origin=people");
        page.WaitForAssertion(() => Assert.Equal(["job-001"], page.FindAll(".job-link").Select(l => l.TextContent)));
    }

    [Fact]
    public void Duration_and_failure_reason_are_columns()
    {
        var failed = Samples.Summary(1, JobState.Failed) with { ElapsedSeconds = 75, Error = "unit 3 (layer 2) failed: tensor 'x' has shape [2] in base but [3] in ft-1\n   at Some.Stack()" };
        Monitor.Latest = new ClusterSnapshot([], [failed], Samples.Submitted, null);

        var row = Render<JobsPage>().Find(".jobs-grid tbody tr");

        Assert.Equal("1m 15s", row.QuerySelector(".job-duration")!.TextContent);
        Assert.Equal("unit 3 (layer 2) failed: tensor 'x' has shape [2] in base but [3] in ft-1", row.QuerySelector(".job-failure")!.TextContent);
    }

    [Fact]
    public void Operators_can_clone_a_job_viewers_cannot()
    {
        Monitor.Latest = new ClusterSnapshot([], [Samples.Summary(7)], Samples.Submitted, null);
        Assert.Empty(Render<JobsPage>().FindAll(".job-clone"));

        SignInAs(DashboardRoles.Operator);
        Assert.Equal("jobs/new?from=job-007", Render<JobsPage>().Find(".job-clone").GetAttribute("href"));
    }
}
