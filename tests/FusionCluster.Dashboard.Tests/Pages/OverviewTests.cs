using FusionCluster.Dashboard.Components.Pages;
using FusionCluster.Dashboard.Security;
using FusionCluster.Dashboard.Services;
using FusionCluster.Dashboard.Tests.Fakes;
using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Dashboard.Tests.Pages;

public sealed class OverviewTests : DashboardTestContext
{
    public OverviewTests() => SignInAs(DashboardRoles.Viewer);

    [Fact]
    public void Before_the_first_poll_shows_loading()
    {
        var page = Render<Overview>();

        Assert.Contains("Loading the cluster", page.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void Unreachable_cluster_shows_the_error()
    {
        Monitor.Latest = new ClusterSnapshot([], [], Samples.Submitted, "the cluster did not answer within 10 s");

        var page = Render<Overview>();

        Assert.Contains("The cluster does not answer: the cluster did not answer within 10 s", page.Find("#overview-error").TextContent, StringComparison.Ordinal);
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
