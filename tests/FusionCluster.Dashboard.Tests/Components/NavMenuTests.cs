using FusionCluster.Dashboard.Components.Layout;
using FusionCluster.Dashboard.Security;
using FusionCluster.Dashboard.Tests.Fakes;

namespace FusionCluster.Dashboard.Tests.Components;

public sealed class NavMenuTests : DashboardTestContext
{
    [Fact]
    public void Viewer_sees_no_new_merge_entry()
    {
        SignInAs(DashboardRoles.Viewer);

        var menu = Render<NavMenu>();

        Assert.Empty(menu.FindAll("#nav-new-merge"));
        Assert.DoesNotContain("not available", menu.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void Operator_sees_new_merge()
    {
        SignInAs(DashboardRoles.Operator);

        Assert.Single(Render<NavMenu>().FindAll("#nav-new-merge"));
    }
}
