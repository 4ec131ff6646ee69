using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace FusionCluster.Dashboard.EndToEnd.Tests;

/// <summary>One browser context and page, with every console error and uncaught page error it saw.</summary>
public sealed partial class BrowserSession : IAsyncDisposable
{
    private readonly IBrowserContext context;
    private readonly List<string> errors = [];

    private BrowserSession(IBrowserContext context, IPage page, Uri baseAddress)
    {
        this.context = context;
        Page = page;
        BaseAddress = baseAddress;
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                lock (errors)
                {
                    errors.Add($"console: {message.Text} ({message.Location})");
                }
            }
        };
        page.PageError += (_, error) =>
        {
            lock (errors)
            {
                errors.Add($"page error: {error}");
            }
        };
    }

    public IPage Page { get; }

    public Uri BaseAddress { get; }

    public IReadOnlyList<string> Errors
    {
        get
        {
            lock (errors)
            {
                return errors.ToList();
            }
        }
    }

    public static async Task<BrowserSession> OpenAsync(IBrowser browser, Uri baseAddress)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseAddress.ToString(), ViewportSize = new ViewportSize { Width = 1440, Height = 1000 } });
        context.SetDefaultTimeout(30_000);
        return new BrowserSession(context, await context.NewPageAsync(), baseAddress);
    }

    public string Url(string relative) => new Uri(BaseAddress, relative).ToString();

    /// <summary>Signs in through the login page and waits until the overview runs in its circuit.</summary>
    public async Task SignInAsync(string user, string password)
    {
        await Page.GotoAsync(Url("/"));
        await Page.WaitForURLAsync(LoginUrl());
        await Page.FillAsync("#login-user", user);
        await Page.FillAsync("#login-password", password);
        await Page.ClickAsync("#login-submit");
        await Page.WaitForURLAsync(Url("/"));
        await WaitForCircuitAsync();
    }

    /// <summary>The page's interactive content exists only once its circuit runs (prerendering is off).</summary>
    public Task WaitForCircuitAsync() => Page.Locator("#signed-in-user").WaitForAsync();

    public async Task ScreenshotAsync(string folder, string name) =>
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, $"{name}.png"), FullPage = true });

    public async ValueTask DisposeAsync() => await context.DisposeAsync();

    [GeneratedRegex(@"/login\?ReturnUrl=")]
    private static partial Regex LoginUrl();
}
