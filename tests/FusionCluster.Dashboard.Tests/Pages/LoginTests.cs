using FusionCluster.Dashboard.Components.Pages;
using FusionCluster.Dashboard.Tests.Fakes;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace FusionCluster.Dashboard.Tests.Pages;

public sealed class LoginTests : DashboardTestContext
{
    [Fact]
    public void Form_posts_to_the_sign_in_endpoint_keeping_only_local_return_urls()
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo("login?ReturnUrl=https%3A%2F%2Fevil.example%2F");

        var page = Render<Login>();

        var form = page.Find("form.login-form");
        Assert.Equal("post", form.GetAttribute("method"));
        Assert.Equal("account/login", form.GetAttribute("action"));
        Assert.Equal("/", page.Find("input[name=ReturnUrl]").GetAttribute("value"));
        Assert.Equal("password", page.Find("#login-password").GetAttribute("type"));
        Assert.Empty(page.FindAll("#login-failed"));
    }

    [Fact]
    public void Failed_attempt_says_so_without_saying_which_part_was_wrong()
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo("login?failed=1&ReturnUrl=%2Fjobs");

        var page = Render<Login>();

        Assert.Equal("The user name or password is not right.", page.Find("#login-failed").TextContent);
        Assert.Equal("/jobs", page.Find("input[name=ReturnUrl]").GetAttribute("value"));
    }
}
