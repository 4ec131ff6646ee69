using FusionCluster.Dashboard.Components.Layout;
using FusionCluster.Dashboard.Security;
using FusionCluster.Dashboard.Tests.Fakes;

namespace FusionCluster.Dashboard.Tests.Components;

public sealed class NavMenuTests : DashboardTestContext
{
    [Fact]
    public void Viewer_SeesNoNewMergeEntry()
    {
        SignInAs(DashboardRoles.Viewer);

        var menu = Render<NavMenu>();

        Assert.Empty(menu.FindAll("#nav-new-merge"));
        Assert.DoesNotContain("not available", menu.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void Operator_SeesNewMerge()
    {
        SignInAs(DashboardRoles.Operator);

        Assert.Single(Render<NavMenu>().FindAll("#nav-new-merge"));
    }
}
