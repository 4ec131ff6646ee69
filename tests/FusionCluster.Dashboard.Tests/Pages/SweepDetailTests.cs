using FusionCluster.Dashboard.Components.Pages;
using FusionCluster.Dashboard.Security;
using FusionCluster.Dashboard.Tests.Fakes;
using FusionCluster.Grains.Abstractions.Sweeps;

namespace FusionCluster.Dashboard.Tests.Pages;

public sealed class SweepDetailTests : DashboardTestContext
{
    private const string SweepId = "nightly";

    public SweepDetailTests() => SignInAs(DashboardRoles.Viewer);

    [Fact]
    public void While_the_sweep_loads_shows_loading()
    {
        Sweeps.Gate = new TaskCompletionSource();

        Assert.Contains($"Loading sweep {SweepId}", RenderSweep().Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unreachable_cluster_shows_the_redacted_error_and_retries()
    {
        Sweeps.Failure = new TimeoutException("no gateway answered (super-secret-connection-string)");

        var page = RenderSweep();

        var error = page.Find("#sweep-load-error").TextContent;
        Assert.Contains("no gateway answered", error, StringComparison.Ordinal);
        Assert.DoesNotContain("super-secret-connection-string", error, StringComparison.Ordinal);

        Sweeps.Failure = null;
        Sweeps.Statuses[SweepId] = SweepSamples.Status(SweepId, runs: 0);
        await ClickAsync(page, "#sweep-retry");
        page.WaitForAssertion(() => Assert.Contains($"Sweep {SweepId}", page.Find("#sweep-title").TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public void Unknown_sweep_says_so()
    {
        Assert.Contains($"no sweep '{SweepId}'", RenderSweep().Find("#sweep-not-found").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Sweep_without_runs_shows_its_schedule_and_viewers_cannot_edit_it()
    {
        Sweeps.Statuses[SweepId] = SweepSamples.Status(SweepId, runs: 0);

        var page = RenderSweep();

        Assert.Contains("No runs yet", page.Find("#sweep-no-runs").TextContent, StringComparison.Ordinal);
        Assert.Equal("0 3 * * * (UTC, overlap: skip)", page.Find("#sweep-cron").TextContent);
        Assert.Equal("2026-11-24 03:00:00 UTC", page.Find("#sweep-next-fire").TextContent);
        Assert.Empty(page.FindAll("#sweep-schedule input"));
        Assert.Empty(page.FindAll("#sweep-leaderboard"));
    }

    [Fact]
    public void Leaderboard_lists_the_newest_runs_candidates_best_first()
    {
        Sweeps.Statuses[SweepId] = SweepSamples.Status(SweepId, runs: 2);
        Sweeps.Runs[(SweepId, 1)] = SweepSamples.Run(1) with { Candidates = [SweepSamples.Candidate(0, "weight=0.1", 0.5)] };
        Sweeps.Runs[(SweepId, 2)] = SweepSamples.Run(2);

        var page = RenderSweep();

        Assert.Contains("run #2", page.Find("#sweep-leaderboard-title").TextContent, StringComparison.Ordinal);
        Assert.Equal(["0.91", "0.85", "0.8"], page.FindAll("#sweep-leaderboard .leaderboard-objective").Select(c => c.TextContent));
        Assert.Equal("#1 weight=0.7 method=ties", page.FindAll(".leaderboard-label")[0].TextContent);
        Assert.Contains("1 failed", page.Find("#sweep-unscored").TextContent, StringComparison.Ordinal);
        Assert.Contains("evaluation timed out", page.Find(".sweep-candidate-error").TextContent, StringComparison.Ordinal);
        Assert.Equal(2, page.FindAll("#sweep-runs .sweep-run").Count);
    }

    [Fact]
    public void Minimized_objective_puts_the_lowest_first()
    {
        Sweeps.Statuses[SweepId] = SweepSamples.Status(SweepId) with { Maximize = false };
        Sweeps.Runs[(SweepId, 1)] = SweepSamples.Run(1, maximize: false);

        var page = RenderSweep();

        Assert.Equal(["0.8", "0.85", "0.91"], page.FindAll("#sweep-leaderboard .leaderboard-objective").Select(c => c.TextContent));
    }

    [Fact]
    public async Task Selecting_an_older_run_shows_its_leaderboard()
    {
        Sweeps.Statuses[SweepId] = SweepSamples.Status(SweepId, runs: 2);
        Sweeps.Runs[(SweepId, 1)] = SweepSamples.Run(1) with { Candidates = [SweepSamples.Candidate(0, "weight=0.1", 0.5)] };
        Sweeps.Runs[(SweepId, 2)] = SweepSamples.Run(2);
        var page = RenderSweep();

        await page.InvokeAsync(() => page.FindAll(".sweep-run-select")[1].Click());

        page.WaitForAssertion(() => Assert.Contains("run #1", page.Find("#sweep-leaderboard-title").TextContent, StringComparison.Ordinal));
        Assert.Equal(["0.5"], page.FindAll("#sweep-leaderboard .leaderboard-objective").Select(c => c.TextContent));
    }

    [Fact]
    public void Charts_the_objective_against_each_parameter()
    {
        Sweeps.Statuses[SweepId] = SweepSamples.Status(SweepId);
        Sweeps.Runs[(SweepId, 1)] = SweepSamples.Run(1);

        var page = RenderSweep();

        Assert.Equal(["method", "weight"], page.FindAll(".sweep-chart-parameter").Select(p => p.TextContent));
        Assert.Equal(2, page.FindAll(".sweep-chart svg").Count);
    }

    [Fact]
    public void Viewer_has_no_run_pause_or_resume()
    {
        Sweeps.Statuses[SweepId] = SweepSamples.Status(SweepId);

        var page = RenderSweep();

        Assert.Empty(page.FindAll("#sweep-run"));
        Assert.Empty(page.FindAll("#sweep-pause"));
        Assert.Empty(page.FindAll("#sweep-resume"));
    }

    [Fact]
    public async Task Operator_pauses_and_resumes()
    {
        SignInAs(DashboardRoles.Operator);
        Sweeps.Statuses[SweepId] = SweepSamples.Status(SweepId);
        var page = RenderSweep();

        await ClickAsync(page, "#sweep-pause");

        page.WaitForAssertion(() => Assert.Equal([SweepId], Sweeps.Paused));
        page.WaitForAssertion(() => Assert.Equal("paused", page.Find("#sweep-state").TextContent.Trim()));
        await ClickAsync(page, "#sweep-resume");
        page.WaitForAssertion(() => Assert.Equal([SweepId], Sweeps.Resumed));
        page.WaitForAssertion(() => Assert.NotNull(page.Find("#sweep-pause")));
    }

    [Fact]
    public async Task Operator_runs_now_and_sees_what_the_sweep_did()
    {
        SignInAs(DashboardRoles.Operator);
        Sweeps.Statuses[SweepId] = SweepSamples.Status(SweepId);
        var page = RenderSweep();

        await ClickAsync(page, "#sweep-run");
        page.WaitForAssertion(() => Assert.Contains("Run #2 started", page.Find("#sweep-command-result").TextContent, StringComparison.Ordinal));

        Sweeps.RunResult = new() { Error = "a run is going (overlap: skip)" };
        await ClickAsync(page, "#sweep-run");
        page.WaitForAssertion(() => Assert.Contains("a run is going", page.Find("#sweep-command-error").TextContent, StringComparison.Ordinal));
        Assert.Equal([SweepId, SweepId], Sweeps.RunRequests);
    }

    [Fact]
    public async Task Operator_cancels_the_run_going_after_confirming()
    {
        SignInAs(DashboardRoles.Operator);
        Sweeps.Statuses[SweepId] = SweepSamples.Status(SweepId, runs: 2) with { ActiveRun = 2 };
        Sweeps.Runs[(SweepId, 2)] = SweepSamples.Run(2) with { Summary = SweepSamples.RunSummary(2) with { State = SweepRunState.Running, Done = 3, Candidates = 4 } };
        var page = RenderSweep();

        await ClickAsync(page, "#sweep-cancel");
        Assert.Contains("Cancel run #2?", page.Find("#sweep-cancel-question").TextContent, StringComparison.Ordinal);
        await ClickAsync(page, "#sweep-cancel-keep");
        Assert.Empty(Sweeps.CancelledRuns);
        Assert.Empty(page.FindAll("#sweep-cancel-question"));

        await ClickAsync(page, "#sweep-cancel");
        await ClickAsync(page, "#sweep-cancel-confirm");

        page.WaitForAssertion(() => Assert.Contains("Run #2 cancelled: 3 of 4 points done", page.Find("#sweep-command-result").TextContent, StringComparison.Ordinal));
        Assert.Equal([(SweepId, 2)], Sweeps.CancelledRuns);
        // No run is going any more: nothing left to cancel.
        page.WaitForAssertion(() => Assert.Empty(page.FindAll("#sweep-cancel")));
    }

    [Fact]
    public async Task A_cancel_asked_for_a_run_that_ended_meanwhile_is_not_offered_for_the_next_one()
    {
        SignInAs(DashboardRoles.Operator);
        Sweeps.Statuses[SweepId] = SweepSamples.Status(SweepId, runs: 2) with { ActiveRun = 2 };
        Sweeps.Runs[(SweepId, 2)] = SweepSamples.Run(2);
        var page = RenderSweep();
        await ClickAsync(page, "#sweep-cancel");

        Assert.Contains("Cancel run #2?", page.Find("#sweep-cancel-question").TextContent, StringComparison.Ordinal);

        // Run 2 ends and run 3 starts before the operator answers (the page refreshes): the question about run 2 goes.
        Sweeps.Statuses[SweepId] = SweepSamples.Status(SweepId, runs: 3) with { ActiveRun = 3 };
        page.WaitForAssertion(() => Assert.Empty(page.FindAll("#sweep-cancel-question")), TimeSpan.FromSeconds(10));
        Assert.NotNull(page.Find("#sweep-cancel"));
    }

    [Fact]
    public async Task A_cancel_that_reached_a_finishing_run_says_how_it_ended()
    {
        SignInAs(DashboardRoles.Operator);
        Sweeps.Statuses[SweepId] = SweepSamples.Status(SweepId, runs: 2) with { ActiveRun = 2 };
        Sweeps.Runs[(SweepId, 2)] = SweepSamples.Run(2);
        Sweeps.CancelTooLate = true;
        var page = RenderSweep();

        await ClickAsync(page, "#sweep-cancel");
        await ClickAsync(page, "#sweep-cancel-confirm");

        page.WaitForAssertion(() => Assert.Equal("Run #2 had already succeeded.", page.Find("#sweep-command-result").TextContent.Trim()));
    }

    [Fact]
    public void A_cancelled_runs_points_without_a_value_are_counted_as_not_run()
    {
        Sweeps.Statuses[SweepId] = SweepSamples.Status(SweepId);
        Sweeps.Runs[(SweepId, 1)] = SweepSamples.Run(1) with
        {
            Summary = SweepSamples.RunSummary(1) with { State = SweepRunState.Cancelled, Error = "cancelled: 2 of 4 points done" },
            Candidates =
            [
                SweepSamples.Candidate(0, "weight=0.3 method=ties", 0.80),
                SweepSamples.Candidate(1, "weight=0.7 method=ties", 0.91),
                SweepSamples.Candidate(2, "weight=0.3 method=dare", null) with { State = CandidateState.Pending },
                SweepSamples.Candidate(3, "weight=0.7 method=dare", null) with { State = CandidateState.Pending },
            ],
        };

        var page = RenderSweep();

        Assert.Equal("2 of 4 candidates have no value: 2 not run (the run was cancelled)", page.Find("#sweep-unscored").TextContent.Trim());
    }

    [Fact]
    public void Without_a_run_going_there_is_nothing_to_cancel_and_viewers_never_see_the_button()
    {
        SignInAs(DashboardRoles.Operator);
        Sweeps.Statuses[SweepId] = SweepSamples.Status(SweepId);
        Assert.Empty(RenderSweep().FindAll("#sweep-cancel"));

        SignInAs(DashboardRoles.Viewer);
        Sweeps.Statuses[SweepId] = SweepSamples.Status(SweepId) with { ActiveRun = 1 };
        Assert.Empty(RenderSweep().FindAll("#sweep-cancel"));
    }

    [Fact]
    public async Task Operator_who_lost_the_role_is_refused_by_the_server()
    {
        SignInAs(DashboardRoles.Operator);
        Sweeps.Statuses[SweepId] = SweepSamples.Status(SweepId);
        var page = RenderSweep();

        SignInAs(DashboardRoles.Viewer);
        await ClickAsync(page, "#sweep-pause");

        page.WaitForAssertion(() => Assert.Contains("only operators may pause sweeps", page.Find("#sweep-command-error").TextContent, StringComparison.Ordinal));
        Assert.Empty(Sweeps.Paused);
    }

    [Fact]
    public async Task Operator_sets_a_new_schedule_and_sees_a_refusal()
    {
        SignInAs(DashboardRoles.Operator);
        Sweeps.Statuses[SweepId] = SweepSamples.Status(SweepId);
        var page = RenderSweep();

        await page.InvokeAsync(() => page.Find("#sweep-cron-input").Input("30 6 * * 1-5"));
        await page.InvokeAsync(() => page.Find("#sweep-zone-input").Input("Europe/Berlin"));
        await page.InvokeAsync(() => page.Find("#sweep-queue-input").Change(true));
        await page.InvokeAsync(() => page.Find("#sweep-schedule-editor").Submit());

        page.WaitForAssertion(() => Assert.Equal([(SweepId, "30 6 * * 1-5", "Europe/Berlin", true)], Sweeps.Schedules));
        page.WaitForAssertion(() => Assert.Equal("30 6 * * 1-5 (Europe/Berlin, overlap: queue)", page.Find("#sweep-cron").TextContent));

        // A schedule the cluster refuses for its own reasons (the fake refuses any): its message is shown.
        Sweeps.ScheduleError = "schedule: the sweep is being deleted";
        await page.InvokeAsync(() => page.Find("#sweep-schedule-editor").Submit());
        page.WaitForAssertion(() => Assert.Contains("the sweep is being deleted", page.Find("#sweep-command-error").TextContent, StringComparison.Ordinal));
        Assert.Equal("30 6 * * 1-5 (Europe/Berlin, overlap: queue)", page.Find("#sweep-cron").TextContent);
    }

    [Fact]
    public async Task The_schedule_editor_starts_from_the_current_schedule_checks_cron_in_place_and_previews_five_fires()
    {
        SignInAs(DashboardRoles.Operator);
        Sweeps.Statuses[SweepId] = SweepSamples.Status(SweepId) with { Schedule = "0 3 * * * (Europe/Berlin, overlap: queue)" };
        var page = RenderSweep();

        Assert.Equal("0 3 * * *", page.Find("#sweep-cron-input").GetAttribute("value"));
        Assert.Equal("Europe/Berlin", page.Find("#sweep-zone-input").GetAttribute("value"));
        var fires = page.FindAll("#sweep-next-fires li").Select(li => li.TextContent).ToList();
        Assert.Equal(5, fires.Count);
        Assert.All(fires, f => Assert.Matches(@"^\w{3} \d{4}-\d\d-\d\d 03:00 Europe/Berlin \(0[12]:00 UTC\)$", f));

        await page.InvokeAsync(() => page.Find("#sweep-cron-input").Input("every day"));

        Assert.Contains("'every day' is not a cron expression", page.Find("#sweep-cron-error").TextContent, StringComparison.Ordinal);
        Assert.Equal("true", page.Find("#sweep-cron-input").GetAttribute("aria-invalid"));
        Assert.True(page.Find("#sweep-schedule-save").HasAttribute("disabled"));
        Assert.Empty(page.FindAll("#sweep-next-fires"));
        Assert.Empty(Sweeps.Schedules);
    }

    /// <summary>Finds and clicks in one dispatch: the page re-renders on its own refresh timer in between.</summary>
    private static Task ClickAsync(IRenderedComponent<SweepDetail> page, string selector) =>
        page.InvokeAsync(() => page.Find(selector).Click());

    private IRenderedComponent<SweepDetail> RenderSweep() => Render<SweepDetail>(p => p.Add(c => c.SweepId, SweepId));
}
