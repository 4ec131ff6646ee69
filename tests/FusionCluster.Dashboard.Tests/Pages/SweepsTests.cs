using SweepsPage = FusionCluster.Dashboard.Components.Pages.Sweeps;
using FusionCluster.Dashboard.Security;
using FusionCluster.Dashboard.Tests.Fakes;

namespace FusionCluster.Dashboard.Tests.Pages;

public sealed class SweepsTests : DashboardTestContext
{
    public SweepsTests() => SignInAs(DashboardRoles.Viewer);

    [Fact]
    public void While_the_catalog_loads_shows_loading()
    {
        Sweeps.Gate = new TaskCompletionSource();

        Assert.Contains("Loading sweeps", Render<SweepsPage>().Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void No_sweeps_says_so()
    {
        Assert.Contains("No sweeps yet", Render<SweepsPage>().Find("#sweeps-empty").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Unreachable_cluster_shows_the_redacted_error_and_retries()
    {
        Sweeps.Failure = new TimeoutException("no gateway answered (super-secret-connection-string)");

        var page = Render<SweepsPage>();

        var error = page.Find("#sweeps-error").TextContent;
        Assert.Contains("no gateway answered", error, StringComparison.Ordinal);
        Assert.DoesNotContain("super-secret-connection-string", error, StringComparison.Ordinal);

        Sweeps.Failure = null;
        Sweeps.Sweeps.Add(SweepSamples.Summary("nightly"));
        page.Find("#sweeps-retry").Click();
        page.WaitForAssertion(() => Assert.Single(page.FindAll("a.sweep-link")));
    }

    [Fact]
    public void Lists_sweeps_newest_first_linking_to_their_pages()
    {
        Sweeps.Sweeps.Add(SweepSamples.Summary("old", SweepSamples.Created));
        Sweeps.Sweeps.Add(SweepSamples.Summary("new", SweepSamples.Created.AddDays(1)) with { Paused = true });

        var page = Render<SweepsPage>();

        var links = page.FindAll("a.sweep-link");
        Assert.Equal(["new", "old"], links.Select(l => l.TextContent));
        Assert.Equal("sweeps/new", links[0].GetAttribute("href"));
        Assert.Equal(["paused", "idle"], page.FindAll(".sweep-state").Select(s => s.TextContent));
        Assert.Contains("accuracy 0.91 (weight=0.7)", page.Find(".sweep-best").TextContent, StringComparison.Ordinal);
    }
}
