using FusionCluster.Dashboard.Components.Pages;
using FusionCluster.Dashboard.Security;
using FusionCluster.Dashboard.Services;
using FusionCluster.Dashboard.Tests.Fakes;
using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Dashboard.Tests.Pages;

public sealed class OverviewTests : DashboardTestContext
{
    public OverviewTests() => SignInAs(DashboardRoles.Viewer);

    private static SiloResourceSample Resource(DateTimeOffset at, double cpu) => new() { At = at, CpuPercent = cpu, WorkingSetBytes = 300L << 20 };

    [Fact]
    public void Before_the_first_poll_shows_loading()
    {
        var page = Render<Overview>();

        Assert.Contains("Loading the cluster", page.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void The_clusters_history_over_hours_is_drawn_from_the_kept_samples()
    {
        Monitor.Latest = new ClusterSnapshot([Samples.Silo("silo-1")], [], Samples.Submitted, null);
        // Three hours, one sample a minute; the busiest minute ran 3 MiB/s with 12 units.
        Monitor.History = Enumerable.Range(0, 181)
            .Select(m => new ClusterSample { At = Samples.Submitted.AddMinutes(m), BytesPerSecond = m == 90 ? 3 << 20 : 1 << 20, UnitsRunning = m == 90 ? 12 : 4 })
            .ToList();

        var page = Render<Overview>();

        var caption = page.Find("#cluster-history-caption").TextContent;
        Assert.Contains("over the last 3h 00m", caption, StringComparison.Ordinal);
        Assert.Contains("peak 3.0 MiB/s, at most 12 units running", caption, StringComparison.Ordinal);
        Assert.DoesNotContain(page.FindAll(".chart-empty"), e => e.TextContent.Contains("a sample a minute", StringComparison.Ordinal));
        Assert.NotEmpty(page.FindAll(".mud-chart"));
    }

    [Fact]
    public void One_unit_running_reads_in_the_singular()
    {
        Monitor.Latest = new ClusterSnapshot([Samples.Silo("silo-1")], [], Samples.Submitted, null);
        Monitor.History = [new ClusterSample { At = Samples.Submitted, BytesPerSecond = 1 << 20, UnitsRunning = 1 }];

        var page = Render<Overview>();

        Assert.Contains("at most 1 unit running", page.Find("#cluster-history-caption").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Silos_cpu_and_memory_of_the_last_hour_are_drawn_per_silo_and_a_longer_window_shows_more()
    {
        var now = DateTimeOffset.UtcNow;
        Monitor.Latest = new ClusterSnapshot([Samples.Silo("silo-1"), Samples.Silo("silo-2")], [], now, null);
        // silo-1 reported for the last three hours (a sample every ten minutes), silo-2 only two hours ago.
        Monitor.Resources =
        [
            new SiloResourceHistory("silo-1", [.. Enumerable.Range(0, 18).Select(i => Resource(now.AddMinutes(-175 + (i * 10)), 25))]),
            new SiloResourceHistory("silo-2", [Resource(now.AddHours(-2), 60)]),
        ];

        var page = Render<Overview>();

        // The last hour: silo-1's six samples (-55 .. -5 min), silo-2 none.
        var cpu = page.Find("#silo-resources .resource-cpu");
        Assert.Equal(["silo-1 (6)"], cpu.QuerySelectorAll(".chart-legend-item").Select(e => e.TextContent.Trim()));

        page.FindAll(".resource-window")[1].Click();

        Assert.Equal(["silo-1 (18)", "silo-2 (1)"], page.Find("#silo-resources .resource-cpu").QuerySelectorAll(".chart-legend-item").Select(e => e.TextContent.Trim()));
    }

    [Fact]
    public void Without_history_the_overview_says_it_fills_in()
    {
        Monitor.Latest = new ClusterSnapshot([Samples.Silo("silo-1")], [], Samples.Submitted, null);

        var page = Render<Overview>();

        Assert.Contains(page.FindAll(".chart-empty"), e => e.TextContent.Contains("a sample a minute", StringComparison.Ordinal));
    }

    [Fact]
    public void Unreachable_cluster_shows_the_error()
    {
        Monitor.Latest = new ClusterSnapshot([], [], Samples.Submitted, "the cluster did not answer within 10 s");

        var page = Render<Overview>();

        var banner = page.Find("#overview-error").TextContent;
        Assert.Contains("Can't reach the cluster right now: the cluster did not answer within 10 s. Retrying every", banner, StringComparison.Ordinal);
        Assert.DoesNotContain("Showing what it said", banner, StringComparison.Ordinal);
    }

    [Fact]
    public void Connection_trouble_with_older_data_is_a_banner_that_says_how_old_the_data_is()
    {
        Monitor.Latest = new ClusterSnapshot([Samples.Silo("silo-1")], [], Samples.Submitted.AddMinutes(1), "no silo of the cluster answers at the gateway (it may be restarting)")
        {
            LastAnsweredAt = Samples.Submitted,
        };

        var page = Render<Overview>();

        var banner = page.Find("#overview-error");
        Assert.Contains("mud-alert-text-warning", banner.ClassName, StringComparison.Ordinal);
        Assert.Contains("Showing what it said at 2026-11-23 12:00:00 UTC.", banner.TextContent, StringComparison.Ordinal);
        Assert.Contains("silo-1", page.Find(".silo-table").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void A_dead_silo_stays_listed_with_when_and_why_and_appears_on_the_membership_timeline()
    {
        var died = DateTimeOffset.UtcNow.AddMinutes(-3);
        Monitor.Latest = new ClusterSnapshot([Samples.Silo("silo-1")], [], DateTimeOffset.UtcNow, null)
        {
            Membership =
            [
                Samples.Member("silo-1") with { StartedAt = died.AddMinutes(-10) },
                Samples.Member("silo-2", SiloDeparture.DeclaredDead, died, "declared dead by 1 silo: it stopped answering probes") with { StartedAt = died.AddMinutes(-10) },
                Samples.Member("silo-3", SiloDeparture.Graceful, died.AddMinutes(1), "shut down gracefully") with { StartedAt = died.AddMinutes(-10) },

                // Beyond the retention window (six hours by default): no longer listed.
                Samples.Member("silo-4", SiloDeparture.DeclaredDead, died.AddDays(-1), "declared dead") with { StartedAt = died.AddDays(-2) },
            ],
        };

        var page = Render<Overview>();

        var rows = page.FindAll(".silo-table tbody tr");
        Assert.Equal(["silo-1", "silo-3", "silo-2"], rows.Select(r => r.GetAttribute("data-silo")));
        Assert.Contains("active", rows[0].QuerySelector(".silo-state")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("left", rows[1].QuerySelector(".silo-state")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("shut down gracefully", rows[1].TextContent, StringComparison.Ordinal);
        Assert.Contains("dead", rows[2].QuerySelector(".silo-state")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("declared dead by 1 silo", rows[2].TextContent, StringComparison.Ordinal);
        Assert.Contains(died.ToUniversalTime().ToString("HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture), rows[2].TextContent, StringComparison.Ordinal);

        var timeline = page.FindAll("#membership-timeline li").Select(li => li.TextContent).ToList();
        Assert.Equal(5, timeline.Count);
        Assert.Contains("left", timeline[0], StringComparison.Ordinal);
        Assert.Contains("silo-3", timeline[0], StringComparison.Ordinal);
        Assert.Contains("declared dead", timeline[1], StringComparison.Ordinal);
        Assert.Contains("silo-2", timeline[1], StringComparison.Ordinal);
        Assert.All(timeline.Skip(2), line => Assert.Contains("joined", line, StringComparison.Ordinal));
        Assert.DoesNotContain(timeline, line => line.Contains("silo-4", StringComparison.Ordinal));
    }

    [Fact]
    public void Empty_cluster_shows_no_silos_and_zero_jobs()
    {
        Monitor.Latest = new ClusterSnapshot([], [], Samples.Submitted, null);

        var page = Render<Overview>();

        Assert.Equal("No active silos.", page.Find("#no-silos").TextContent);
        Assert.All(page.FindAll(".state-count"), count => Assert.Equal("0", count.TextContent));
        Assert.Contains("The chart fills in", page.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void Cluster_shows_silos_jobs_by_state_and_throughput()
    {
        Monitor.Latest = new ClusterSnapshot(
            [Samples.Silo("silo-1", 3 << 20), Samples.Silo("silo-2")],
            [Samples.Summary(1), Samples.Summary(2), Samples.Summary(3, JobState.Running), Samples.Summary(4, JobState.Failed)],
            Samples.Submitted,
            null);
        Monitor.Throughput = Enumerable.Range(0, 5).Select(i => new ThroughputSample(Samples.Submitted.AddSeconds(2 * i), i << 20, 2)).ToList();

        var page = Render<Overview>();

        Assert.Equal("2", page.Find(".state-succeeded").TextContent);
        Assert.Equal("1", page.Find(".state-running").TextContent);
        Assert.Equal("1", page.Find(".state-failed").TextContent);
        var rows = page.FindAll(".silo-table tbody tr");
        Assert.Equal(2, rows.Count);
        Assert.Contains("silo-1", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("worker", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("cpu", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("16.0 GiB", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("3.0 MiB/s", rows[0].TextContent, StringComparison.Ordinal);
        Assert.NotEmpty(page.FindAll("svg"));
    }

    [Fact]
    public void Next_poll_redraws_the_page()
    {
        var page = Render<Overview>();

        Monitor.Publish(new ClusterSnapshot([Samples.Silo("silo-9")], [], Samples.Submitted, null));

        page.WaitForAssertion(() => Assert.Contains("silo-9", page.Find(".silo-table").TextContent, StringComparison.Ordinal));
    }
}
