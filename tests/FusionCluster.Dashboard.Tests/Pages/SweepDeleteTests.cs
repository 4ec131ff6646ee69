using FusionCluster.Dashboard.Components.Pages;
using FusionCluster.Dashboard.Security;
using FusionCluster.Dashboard.Services;
using FusionCluster.Dashboard.Tests.Fakes;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace FusionCluster.Dashboard.Tests.Pages;

public sealed class SweepDeleteTests : DashboardTestContext
{
    private const string SweepId = "nightly";

    [Fact]
    public async Task An_operator_deletes_a_sweep_after_confirming_and_returns_to_the_list()
    {
        SignInAs(DashboardRoles.Operator, "olga");
        Sweeps.Statuses[SweepId] = SweepSamples.Status(SweepId);
        var page = Render<SweepDetail>(p => p.Add(c => c.SweepId, SweepId));
        page.WaitForElement("#sweep-delete");

        await page.InvokeAsync(() => page.Find("#sweep-delete").Click());
        Assert.Empty(Sweeps.Deleted);
        Assert.Contains("Delete sweep nightly", page.Find("#sweep-delete-question").TextContent, StringComparison.Ordinal);
        await page.InvokeAsync(() => page.Find("#sweep-delete-confirm").Click());

        Assert.Equal([SweepId], Sweeps.Deleted);
        Assert.EndsWith("/sweeps", Services.GetRequiredService<NavigationManager>().Uri, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_viewer_has_no_delete_and_the_server_refuses_one_anyway()
    {
        SignInAs(DashboardRoles.Viewer);
        Sweeps.Statuses[SweepId] = SweepSamples.Status(SweepId);
        var page = Render<SweepDetail>(p => p.Add(c => c.SweepId, SweepId));
        page.WaitForElement("#sweep-title");

        Assert.Empty(page.FindAll("#sweep-delete"));
        var commands = Services.GetRequiredService<SweepCommands>();
        await Assert.ThrowsAsync<OperatorRequiredException>(() => commands.DeleteAsync(SweepId, Xunit.TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<OperatorRequiredException>(() => commands.CreateAsync(SweepId, "x: 1", "/models", Xunit.TestContext.Current.CancellationToken));
        Assert.Empty(Sweeps.Deleted);
        Assert.Empty(Sweeps.Created);
    }
}
