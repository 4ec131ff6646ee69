using Bunit;
using FusionCluster.Dashboard.Components.Pages;
using FusionCluster.Dashboard.Security;
using FusionCluster.Dashboard.Services;
using FusionCluster.Dashboard.Tests.Fakes;
using FusionCluster.Grains.Abstractions;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace FusionCluster.Dashboard.Tests.Pages;

public sealed class JobCompareTests : DashboardTestContext
{
    public JobCompareTests()
    {
        SignInAs(DashboardRoles.Viewer);
        Render<MudPopoverProvider>();
    }

    [Fact]
    public void Two_jobs_show_their_facts_throughput_and_specs_side_by_side_with_changes_marked()
    {
        Cluster.Statuses["job-a"] = Samples.Succeeded("job-a", 4) with { ElapsedSeconds = 20, BytesDone = 40 << 20, SpecText = "merge_method: ties\ndensity: 0.5" };
        Cluster.Statuses["job-b"] = Samples.Succeeded("job-b", 4) with { ElapsedSeconds = 10, BytesDone = 40 << 20, SpecText = "merge_method: ties\ndensity: 0.7" };
        Cluster.Metrics["job-a"] = [Metric(0, 0), Metric(10, 20 << 20), Metric(20, 40 << 20)];
        Services.GetRequiredService<NavigationManager>().NavigateTo("jobs/compare?a=job-a&b=job-b");

        var page = Render<JobCompare>();

        page.WaitForAssertion(() => Assert.NotNull(page.Find("#compare-facts")));
        var duration = page.Find("tr[data-fact='Duration']");
        Assert.Contains("compare-differs", duration.ClassName, StringComparison.Ordinal);
        Assert.Equal("−10.0 s better", duration.QuerySelector(".compare-delta")!.TextContent);
        Assert.DoesNotContain("compare-differs", page.Find("tr[data-fact='Units']").ClassName, StringComparison.Ordinal);
        // The second spec's changed line is marked, the common one is not.
        Assert.Equal(["Same", "Changed"], page.FindAll("#compare-spec tr").Select(r => r.GetAttribute("data-change")));
        Assert.Contains("1 line differs", page.Find("#compare-spec-title").TextContent, StringComparison.Ordinal);
        // Job a kept samples (2 MiB/s twice), job b none: one line with its two points.
        Assert.Equal(2, page.FindAll("#compare-throughput circle.chart-point").Count);
    }

    [Fact]
    public void With_one_job_chosen_the_page_asks_for_the_other()
    {
        Monitor.Latest = new ClusterSnapshot([], [Samples.Summary(1), Samples.Summary(2)], Samples.Submitted, null);
        Services.GetRequiredService<NavigationManager>().NavigateTo("jobs/compare?a=job-1");

        var page = Render<JobCompare>();

        Assert.Contains("Choose the second job", page.Find("#compare-choose").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_job_says_which()
    {
        Cluster.Statuses["job-a"] = Samples.Succeeded("job-a", 4);
        Services.GetRequiredService<NavigationManager>().NavigateTo("jobs/compare?a=job-a&b=nope");

        var page = Render<JobCompare>();

        page.WaitForAssertion(() => Assert.Contains("no job 'nope'", page.Find("#compare-error").TextContent, StringComparison.Ordinal));
    }

    private static JobMetricSample Metric(double seconds, long bytes) => new() { At = Samples.Submitted.AddSeconds(seconds), ElapsedSeconds = seconds, BytesDone = bytes };
}
