using System.Net;
using System.Text.RegularExpressions;
using FusionCluster.Grains.Abstractions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace FusionCluster.Dashboard.EndToEnd.Tests;

/// <summary>Who may do what, checked through real HTTP and a real browser.</summary>
public sealed partial class AccessTests(DashboardHost host)
{
    [Fact]
    public async Task Health_is_anonymous()
    {
        using var http = Http();

        var response = await http.GetAsync("/health", Xunit.TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync(Xunit.TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/jobs")]
    [InlineData("/jobs/new")]
    [InlineData("/jobs/some-job/artifacts/model.safetensors")]
    [InlineData("/no-such-page")]
    public async Task Anonymous_requests_go_to_the_login_page(string path)
    {
        using var http = Http();

        var response = await http.GetAsync(path, Xunit.TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/login?ReturnUrl=", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sign_in_without_the_antiforgery_token_is_refused()
    {
        using var http = Http();

        var response = await http.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["UserName"] = DashboardHost.OperatorName,
            ["Password"] = DashboardHost.OperatorPassword,
        }), Xunit.TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var cookies = response.Headers.TryGetValues("Set-Cookie", out var values) ? values : [];
        Assert.DoesNotContain(cookies, c => c.StartsWith("fusion.auth", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Wrong_password_stays_signed_out()
    {
        await using var session = await BrowserSession.OpenAsync(host.Browser, host.BaseAddress);

        await session.Page.GotoAsync(session.Url("/login"));
        await session.Page.FillAsync("#login-user", DashboardHost.OperatorName);
        await session.Page.FillAsync("#login-password", "not-the-password");
        await session.Page.ClickAsync("#login-submit");

        await Assertions.Expect(session.Page.Locator("#login-failed")).ToBeVisibleAsync();
        Assert.DoesNotContain(await session.Page.Context.CookiesAsync(), c => c.Name == "fusion.auth");
    }

    [Fact]
    public async Task Viewer_cannot_reach_submit_or_cancel()
    {
        await using var session = await host.SignInAsync(DashboardHost.ViewerName, DashboardHost.ViewerPassword);
        var page = session.Page;
        await Assertions.Expect(page.Locator("#signed-in-role")).ToContainTextAsync("viewer");
        Assert.Equal(0, await page.Locator("#nav-new-merge").CountAsync());

        await page.GotoAsync(session.Url("/jobs"));
        await Assertions.Expect(page.Locator("#jobs-empty, .jobs-grid").First).ToBeVisibleAsync();
        Assert.Equal(0, await page.Locator("#jobs-new-merge").CountAsync());

        // The New merge page itself refuses a viewer on the server, before any circuit starts.
        await page.GotoAsync(session.Url("/jobs/new"));
        await page.WaitForURLAsync(AccessDenied());
        await Assertions.Expect(page.Locator("#access-denied")).ToContainTextAsync("for operators");

        // A running job: the viewer's page is open before it starts (it appears with its first event), so
        // the check below sees it running even on a fast machine: 40,000 empty dispatch-probe units, one at a time
        // (10,000 once ran through to publishing between two of the check's polls, at up to 4,900 units/s).
        var jobId = $"viewer-watch-{Guid.NewGuid():N}"[..24];
        var job = host.Services.GetRequiredService<IClusterClient>().GetGrain<IMergeJobGrain>(jobId);
        await page.GotoAsync(session.Url($"/jobs/{jobId}"));
        await Assertions.Expect(page.Locator("#job-not-found")).ToBeVisibleAsync();
        await job.Start(new MergeRequest { SpecText = "", SpecDirectory = "/", Output = "", SpecName = "probe", ProbeUnits = 40_000, MaxParallelUnits = 1, SubmittedBy = "test" });
        try
        {
            await Assertions.Expect(page.Locator("#job-state")).ToContainTextAsync("Running");
            await Assertions.Expect(page.Locator("#unit-grid")).ToBeVisibleAsync();
            Assert.Equal(0, await page.Locator("#job-cancel").CountAsync());
            await session.ScreenshotAsync(Path.Combine(host.ResultsDirectory, "screenshots"), "06-viewer-running-job");
        }
        finally
        {
            await job.Cancel();
        }

        Assert.True(session.Errors.Count == 0, "browser console errors:\n" + string.Join("\n", session.Errors));
    }

    [Fact]
    public async Task Viewer_downloads_published_artifacts_and_nothing_else_in_the_output_folder()
    {
        // A real merge publishes into a folder where a user's file and a link to /etc/passwd appear later.
        var output = Path.Combine(host.OutputsDirectory, $"viewer-downloads-{Guid.NewGuid():N}");
        var jobId = $"viewer-dl-{Guid.NewGuid():N}"[..24];
        var job = host.Services.GetRequiredService<IClusterClient>().GetGrain<IMergeJobGrain>(jobId);
        await job.Start(new MergeRequest { SpecText = LinearSpec(), SpecDirectory = host.ModelsDirectory, Output = output, SpecName = "linear.yaml", SubmittedBy = "test" });
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!(await job.GetStatus()).IsFinished && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100, Xunit.TestContext.Current.CancellationToken);
        }

        Assert.Equal(JobState.Succeeded, (await job.GetStatus()).State);
        await File.WriteAllTextAsync(Path.Combine(output, "notes.txt"), "a user's file", Xunit.TestContext.Current.CancellationToken);
        File.CreateSymbolicLink(Path.Combine(output, "passwd"), "/etc/passwd");

        await using var session = await host.SignInAsync(DashboardHost.ViewerName, DashboardHost.ViewerPassword);
        var page = session.Page;
        await page.GotoAsync(session.Url($"/jobs/{jobId}"));
        await Assertions.Expect(page.Locator(".artifact-link").Filter(new() { HasTextString = "fusion-report.json" })).ToBeVisibleAsync();
        var listed = await page.Locator(".artifact-link").AllInnerTextsAsync();
        Assert.DoesNotContain("notes.txt", listed);
        Assert.DoesNotContain("passwd", listed);

        var published = await page.APIRequest.GetAsync(session.Url($"/jobs/{jobId}/artifacts/config.json"));
        Assert.Equal(200, published.Status);
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(output, "config.json"), Xunit.TestContext.Current.CancellationToken), await published.BodyAsync());
        foreach (var name in new[] { "notes.txt", "passwd", "..%2F..%2Fmodels%2Fbase%2Fconfig.json", ".fusion-staging" })
        {
            var refused = await page.APIRequest.GetAsync(session.Url($"/jobs/{jobId}/artifacts/{name}"));
            Assert.True(refused.Status == 404, $"{name}: {refused.Status}");
        }

        Assert.True(session.Errors.Count == 0, "browser console errors:\n" + string.Join("\n", session.Errors));
    }

    [Fact]
    public async Task Sign_out_ends_the_session()
    {
        await using var session = await host.SignInAsync(DashboardHost.OperatorName, DashboardHost.OperatorPassword);

        await session.Page.ClickAsync("#sign-out");

        await session.Page.WaitForURLAsync(session.Url("/login"));
        await session.Page.GotoAsync(session.Url("/jobs"));
        await session.Page.WaitForURLAsync(LoginPage());
        Assert.True(session.Errors.Count == 0, "browser console errors:\n" + string.Join("\n", session.Errors));
    }

    private string LinearSpec() => $"""
        merge_method: linear
        models:
          - model: {Path.Combine(host.ModelsDirectory, "base")}
            parameters:
              weight: 0.5
          - model: {Path.Combine(host.ModelsDirectory, "ft-1")}
            parameters:
              weight: 0.5
        dtype: bfloat16
        """;

    private HttpClient Http() => new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = host.BaseAddress };

    [GeneratedRegex(@"/access-denied")]
    private static partial Regex AccessDenied();

    [GeneratedRegex(@"/login\?ReturnUrl=")]
    private static partial Regex LoginPage();
}
