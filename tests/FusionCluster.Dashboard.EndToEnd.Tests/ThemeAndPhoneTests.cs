using Microsoft.Playwright;

namespace FusionCluster.Dashboard.EndToEnd.Tests;

/// <summary>
/// The dark theme and a 390 px phone in a real chromium: the toggle survives a reload, the pages fit the
/// phone's width (wide tables and the unit grid scroll inside their own boxes), the skip link is the first
/// tab stop. Screenshots of both themes on both sizes go to TestResults/dashboard/screenshots.
/// </summary>
public sealed class ThemeAndPhoneTests(DashboardHost host)
{
    [Fact]
    public async Task Dark_mode_is_remembered_and_a_390_px_phone_gets_a_page_that_fits()
    {
        var screenshots = Path.Combine(host.ResultsDirectory, "screenshots");
        Directory.CreateDirectory(screenshots);
        await using var session = await host.SignInAsync(DashboardHost.ViewerName, DashboardHost.ViewerPassword);
        var page = session.Page;
        await Assertions.Expect(page.Locator(".silo-table")).ToBeVisibleAsync();
        await session.ScreenshotAsync(screenshots, "20-overview-light-desktop");

        // The first tab stop skips the navigation.
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("skip-to-content", await page.EvaluateAsync<string>("document.activeElement.id"));

        await page.ClickAsync("#theme-toggle");
        await Assertions.Expect(page.Locator(".mud-layout.theme-dark")).ToBeVisibleAsync();
        await page.ReloadAsync();
        await session.WaitForCircuitAsync();
        await Assertions.Expect(page.Locator(".mud-layout.theme-dark")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#theme-toggle")).ToHaveAttributeAsync("aria-pressed", "true");
        await session.ScreenshotAsync(screenshots, "21-overview-dark-desktop");

        await page.SetViewportSizeAsync(390, 844);
        foreach (var (path, name) in new[] { ("/", "overview"), ("/jobs", "jobs") })
        {
            await page.GotoAsync(session.Url(path));

            // On a phone the user's name is hidden to keep the app bar on one line; the toggle shows the circuit runs.
            await page.Locator("#theme-toggle").WaitForAsync();
            await page.WaitForTimeoutAsync(300);
            var width = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
            Assert.True(width <= 390, $"{path} is {width} px wide on a 390 px phone");
            await session.ScreenshotAsync(screenshots, $"22-{name}-dark-phone");
        }

        await page.ClickAsync("#theme-toggle");
        await Assertions.Expect(page.Locator(".mud-layout.theme-light")).ToBeVisibleAsync();
        await session.ScreenshotAsync(screenshots, "23-jobs-light-phone");
        Assert.True(session.Errors.Count == 0, "browser console errors:\n" + string.Join("\n", session.Errors));
    }
}
