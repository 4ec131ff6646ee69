using FusionCluster.Dashboard.Components.Pages;
using FusionCluster.Dashboard.Security;
using FusionCluster.Dashboard.Tests.Fakes;
using FusionCluster.Grains.Abstractions;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace FusionCluster.Dashboard.Tests.Pages;

public sealed class SiloLogsTests : DashboardTestContext
{
    public SiloLogsTests()
    {
        Cluster.Silos.Add(Samples.Silo("silo-1"));
        Cluster.Silos.Add(Samples.Silo("silo-2"));
        Cluster.Logs["silo-1"] =
        [
            Line(0, "Information", "Job j1: unit 3 goes back to the queue"),
            Line(1, "Warning", "Blob read failed: DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=c2VjcmV0a2V5;EndpointSuffix=core.windows.net"),
            Line(2, "Error", "Redis super-secret-connection-string refused the connection"),
        ];
        Cluster.Logs["silo-2"] = [Line(0, "Information", "silo-2 started")];
    }

    [Fact]
    public void A_viewer_is_told_logs_are_for_operators_and_nothing_is_read()
    {
        SignInAs(DashboardRoles.Viewer);

        var page = Render<SiloLogs>();

        Assert.NotNull(page.Find("#logs-operators-only"));
        Assert.Empty(page.FindAll("#log-lines"));
        Assert.Equal(0, Cluster.LogReads);
    }

    [Fact]
    public void An_operator_reads_the_newest_lines_first_with_secrets_redacted()
    {
        SignInAs(DashboardRoles.Operator);

        var page = Render<SiloLogs>();

        var rows = page.FindAll("#log-lines tbody tr");
        Assert.Equal(3, rows.Count);
        Assert.Contains("Redis *** refused", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("AccountKey=***", rows[1].TextContent, StringComparison.Ordinal);
        Assert.Contains("goes back to the queue", rows[2].TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("c2VjcmV0a2V5", page.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain("super-secret-connection-string", page.Markup, StringComparison.Ordinal);
        Assert.Contains("log-error", rows[0].ClassName, StringComparison.Ordinal);
        Assert.Equal("MergeJobGrain", rows[0].QuerySelector(".log-category")!.TextContent);
    }

    [Fact]
    public void The_silo_in_the_address_is_the_one_read()
    {
        SignInAs(DashboardRoles.Operator);
        Services.GetRequiredService<NavigationManager>().NavigateTo("logs?silo=silo-2");

        var page = Render<SiloLogs>();

        Assert.Contains("silo-2 started", Assert.Single(page.FindAll("#log-lines tbody tr")).TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_silos_it_says_none_answers()
    {
        SignInAs(DashboardRoles.Operator);
        Cluster.Silos.Clear();

        var page = Render<SiloLogs>();

        Assert.NotNull(page.Find("#logs-no-silos"));
    }

    private static SiloLogLine Line(int second, string level, string message) => new()
    {
        At = Samples.Submitted.AddSeconds(second),
        Level = level,
        Category = "FusionCluster.Grains.Jobs.MergeJobGrain",
        Message = message,
    };
}
