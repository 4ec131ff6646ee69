using FusionCluster.Dashboard.Components.Layout;
using FusionCluster.Dashboard.Security;
using FusionCluster.Dashboard.Tests.Fakes;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Server.ProtectedBrowserStorage;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;

namespace FusionCluster.Dashboard.Tests.Layout;

public sealed class MainLayoutTests : DashboardTestContext
{
    private static readonly IDataProtectionProvider Keys = new EphemeralDataProtectionProvider();

    public MainLayoutTests()
    {
        SignInAs(DashboardRoles.Viewer);
        Services.AddSingleton(Keys);
        Services.AddScoped<ProtectedLocalStorage>();
    }

    [Fact]
    public void The_skip_link_is_the_first_element_and_targets_the_main_content()
    {
        var layout = RenderLayout();

        // The first thing a keyboard reaches: before the menu button, the theme toggle and the navigation.
        var first = layout.FindAll("a[href], button, input, select, textarea")[0];
        Assert.Equal("skip-to-content", first.Id);
        Assert.Equal("#main-content", first.GetAttribute("href"));
        Assert.NotNull(layout.Find("#main-content"));
    }

    [Fact]
    public void The_dark_theme_toggle_switches_and_stores_the_choice_in_the_browser()
    {
        var layout = RenderLayout();
        Assert.Equal("false", layout.Find("#theme-toggle").GetAttribute("aria-pressed"));

        layout.Find("#theme-toggle").Click();

        Assert.Equal("true", layout.Find("#theme-toggle").GetAttribute("aria-pressed"));
        Assert.Contains("theme-dark", layout.Find(".mud-layout").ClassName, StringComparison.Ordinal);
        var stored = Assert.Single(JSInterop.Invocations, i => i.Identifier == "localStorage.setItem");
        Assert.Equal(MainLayout.ThemeKey, stored.Arguments[0]);
    }

    [Fact]
    public async Task A_stored_dark_choice_is_applied_when_the_next_page_opens()
    {
        // The value a first toggle stored, protected by the same keys, read back by a new page.
        var first = RenderLayout();
        first.Find("#theme-toggle").Click();
        var protectedValue = (string)JSInterop.Invocations.Single(i => i.Identifier == "localStorage.setItem").Arguments[1]!;
        JSInterop.Setup<string>("localStorage.getItem", MainLayout.ThemeKey).SetResult(protectedValue);
        await DisposeComponentsAsync();

        var next = RenderLayout();

        next.WaitForAssertion(() => Assert.Equal("true", next.Find("#theme-toggle").GetAttribute("aria-pressed")));
    }

    private IRenderedComponent<MainLayout> RenderLayout() =>
        Render<MainLayout>(p => p.Add(x => x.Body, (RenderFragment)(b => b.AddMarkupContent(0, "<p id=\"page-body\">body</p>"))));
}
