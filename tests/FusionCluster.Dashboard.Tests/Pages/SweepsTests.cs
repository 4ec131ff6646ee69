using FusionCluster.Dashboard.Components.Pages;
using FusionCluster.Dashboard.Security;
using FusionCluster.Dashboard.Tests.Fakes;

namespace FusionCluster.Dashboard.Tests.Pages;

public sealed class SweepsTests : DashboardTestContext
{
    [Fact]
    public void SaysSweepsAreNotAvailableYet_AndShowsNothingElse()
    {
        SignInAs(DashboardRoles.Viewer);

        var page = Render<Sweeps>();

        Assert.Contains("Sweeps are not available yet", page.Find("#sweeps-not-available").TextContent, StringComparison.Ordinal);
        Assert.Empty(page.FindAll("table"));
    }
}
