using FusionCluster.Dashboard.Components.Shared;
using FusionCluster.Dashboard.Sweeps;
using FusionCluster.Dashboard.Tests.Fakes;

namespace FusionCluster.Dashboard.Tests.Components;

public sealed class LeaderboardGridTests : DashboardTestContext
{
    [Fact]
    public void Every_metric_is_its_own_compact_column_and_the_merge_links_to_its_job()
    {
        var grid = Render<LeaderboardGrid>(p => p.Add(x => x.View, new SweepRunView(SweepSamples.Run(2))));

        Assert.Equal(["accuracy", "loss"], grid.FindAll("th.metric-column").Select(h => h.TextContent.Trim()));
        var first = grid.FindAll(".leaderboard-row")[0];
        Assert.Equal(["0.91", "0.09"], first.QuerySelectorAll("td.metric").Select(c => c.TextContent));
        Assert.Equal("jobs/job-1", first.QuerySelector("a.job-link")!.GetAttribute("href"));
    }

    [Fact]
    public void A_connect_sweep_point_links_to_its_connect_result_page_by_its_published_name()
    {
        var run = SweepSamples.Run(3) with
        {
            Connect = true,
            Candidates =
            [
                SweepSamples.Candidate(0, "connect.align=none", 0.48) with { JobId = "", MergeOutput = "/data/sweep-out/connect/run-000003-point-000" },
                SweepSamples.Candidate(1, "connect.align=weight_matching", 0.06) with { JobId = "", MergeOutput = "az://results/sweep-out/connect/run-000003-point-001/" },
            ],
            Leaderboard = [1, 0],
            ObjectiveMetric = "loss_barrier",
            Maximize = false,
        };

        var grid = Render<LeaderboardGrid>(p => p.Add(x => x.View, new SweepRunView(run)));

        Assert.Contains("Connect result", grid.FindAll("th").Select(h => h.TextContent));
        Assert.Equal(
            ["connect/run-000003-point-001", "connect/run-000003-point-000"],
            grid.FindAll("a.connect-link").Select(a => a.GetAttribute("href")));
        Assert.Empty(grid.FindAll("a.job-link"));
    }

    [Fact]
    public void A_sweep_that_publishes_only_its_best_marks_each_point_published_or_not_with_its_metrics()
    {
        // outputs: {publish: best, keep: 1}: the best (#1) was written; #0 and #2 were scored in-job only.
        var run = SweepSamples.Run(4) with
        {
            Candidates =
            [
                SweepSamples.Candidate(0, "weight=0.3", 0.80) with { Unpublished = true, EvaluatedOn = "in-job" },
                SweepSamples.Candidate(1, "weight=0.7", 0.91) with { MergeOutput = "/results/sweeps/s/merges/key-1" },
                SweepSamples.Candidate(2, "weight=0.5", 0.85) with { Unpublished = true, EvaluatedOn = "in-job" },
            ],
        };

        var grid = Render<LeaderboardGrid>(p => p.Add(x => x.View, new SweepRunView(run)));

        Assert.Equal("Published", grid.Find("th#published-column").TextContent);
        var rows = grid.FindAll(".leaderboard-row");
        Assert.Equal(["1", "2", "0"], rows.Select(r => r.GetAttribute("data-index")));
        Assert.Equal(["published", "not published", "not published"], rows.Select(r => r.QuerySelector("td.leaderboard-published")!.TextContent));
        Assert.Equal(["true", "false", "false"], rows.Select(r => r.QuerySelector("td.leaderboard-published")!.GetAttribute("data-published")));

        // The published merge links to its job (which shows its output); the unpublished keep their metrics.
        Assert.Equal("jobs/job-1", rows[0].QuerySelector("a.job-link")!.GetAttribute("href"));
        Assert.Equal(["0.85", "0.15"], rows[1].QuerySelectorAll("td.metric").Select(c => c.TextContent));
        Assert.Equal(["0.8", "0.2"], rows[2].QuerySelectorAll("td.metric").Select(c => c.TextContent));
    }

    [Fact]
    public void A_sweep_that_publishes_every_merge_has_no_published_column()
    {
        var grid = Render<LeaderboardGrid>(p => p.Add(x => x.View, new SweepRunView(SweepSamples.Run(2))));

        Assert.Empty(grid.FindAll("th#published-column"));
        Assert.Empty(grid.FindAll("td.leaderboard-published"));
    }

    [Fact]
    public void Clicking_a_metric_sorts_by_it_and_again_reverses_while_rank_stays_the_objective_rank()
    {
        var grid = Render<LeaderboardGrid>(p => p.Add(x => x.View, new SweepRunView(SweepSamples.Run(2))));

        // loss = 1 - accuracy: largest loss first is the worst accuracy first.
        grid.Find("button[data-sort='loss']").Click();
        Assert.Equal(["0.2", "0.15", "0.09"], grid.FindAll("td[data-metric='loss']").Select(c => c.TextContent));
        Assert.Equal(["3", "2", "1"], grid.FindAll(".leaderboard-rank").Select(c => c.TextContent));
        Assert.Equal("descending", grid.Find("button[data-sort='loss']").ParentElement!.GetAttribute("aria-sort"));

        grid.Find("button[data-sort='loss']").Click();
        Assert.Equal(["0.09", "0.15", "0.2"], grid.FindAll("td[data-metric='loss']").Select(c => c.TextContent));
    }

    [Fact]
    public void A_baseline_row_says_baseline_instead_of_a_rank_and_is_not_a_merge()
    {
        var run = SweepSamples.Run(1) with
        {
            Candidates =
            [
                SweepSamples.Candidate(0, "weight=0.1", 0.52),
                SweepSamples.Candidate(1, "baseline: input ft-1", 0.58) with { Baseline = true, JobId = "" },
                SweepSamples.Candidate(2, "weight=0.3", 0.61),
            ],
        };

        var grid = Render<LeaderboardGrid>(p => p.Add(x => x.View, new SweepRunView(run)));

        Assert.Equal(["1", "baseline", "2"], grid.FindAll(".leaderboard-rank").Select(c => c.TextContent));
        var baseline = grid.Find("tr.baseline-row");
        Assert.Equal("1", baseline.GetAttribute("data-index"));
        Assert.Contains("not merged", baseline.TextContent, StringComparison.Ordinal);
        Assert.Single(grid.FindAll("tr[data-baseline='true']"));
    }

    [Fact]
    public void The_column_picker_hides_and_shows_metrics()
    {
        var grid = Render<LeaderboardGrid>(p => p.Add(x => x.View, new SweepRunView(SweepSamples.Run(2))));

        grid.Find("input[data-metric='loss']").Change(false);

        Assert.Equal(["accuracy"], grid.FindAll("th.metric-column").Select(h => h.TextContent.Trim()));
        Assert.Empty(grid.FindAll("td[data-metric='loss']"));

        grid.Find("input[data-metric='loss']").Change(true);
        Assert.Equal(3, grid.FindAll("td[data-metric='loss']").Count);
    }

    [Fact]
    public void A_refreshed_run_keeps_the_readers_sort_and_columns()
    {
        var grid = Render<LeaderboardGrid>(p => p.Add(x => x.View, new SweepRunView(SweepSamples.Run(2))));
        grid.Find("button[data-sort='loss']").Click();
        grid.Find("input[data-metric='accuracy']").Change(false);

        grid.Render(p => p.Add(x => x.View, new SweepRunView(SweepSamples.Run(2))));

        Assert.Equal(["loss"], grid.FindAll("th.metric-column").Select(h => h.TextContent.Trim().TrimEnd('▼', '▲', ' ')));
        Assert.Equal(["0.2", "0.15", "0.09"], grid.FindAll("td[data-metric='loss']").Select(c => c.TextContent));
    }
}
