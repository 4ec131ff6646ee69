using System.Text.Json;
using Microsoft.Playwright;

namespace FusionCluster.Dashboard.EndToEnd.Tests;

/// <summary>
/// axe-core (the npm package the prerequisites install; nothing is downloaded at test time) run inside chromium on
/// the main pages, light and dark, desktop and a 390 px phone: no serious or critical WCAG 2 A/AA violation.
/// The findings of every page go to TestResults/dashboard/accessibility.json.
/// </summary>
public sealed class AccessibilityTests(DashboardHost host)
{
    private static readonly string[] Pages = ["/", "/jobs", "/jobs/new", "/sweeps"];

    [Fact]
    public async Task The_main_pages_have_no_serious_accessibility_violations_in_either_theme()
    {
        var screenshots = Path.Combine(host.ResultsDirectory, "screenshots");
        Directory.CreateDirectory(screenshots);
        await using var session = await host.SignInAsync(DashboardHost.OperatorName, DashboardHost.OperatorPassword);
        var page = session.Page;
        var findings = new List<object>();
        var serious = new List<string>();

        foreach (var (theme, width) in new[] { ("light", 1440), ("dark", 1440), ("dark", 390) })
        {
            await page.SetViewportSizeAsync(width, width == 390 ? 844 : 1000);
            foreach (var path in Pages)
            {
                await page.GotoAsync(session.Url(path));
                await page.Locator("#theme-toggle").WaitForAsync(); // the circuit runs (the user's name is hidden on a phone)
                await SetThemeAsync(page, theme);
                if (path == "/jobs/new")
                {
                    await Assertions.Expect(page.Locator(".spec-code-editor.monaco-ready")).ToHaveCountAsync(1);
                }

                var name = path == "/" ? "overview" : path.Trim('/').Replace('/', '-');
                var (violations, found) = await AxeCheck.RunAsync(page, $"{path} ({theme}, {width} px)", TestContext.Current.CancellationToken);
                findings.Add(new { page = path, theme, width, violations });
                serious.AddRange(found);

                await session.ScreenshotAsync(screenshots, $"40-a11y-{name}-{theme}-{width}");
            }
        }

        Directory.CreateDirectory(host.ResultsDirectory);
        await File.WriteAllTextAsync(
            Path.Combine(host.ResultsDirectory, "accessibility.json"),
            JsonSerializer.Serialize(findings, new JsonSerializerOptions { WriteIndented = true }),
            TestContext.Current.CancellationToken);
        Assert.True(serious.Count == 0, "serious or critical accessibility violations:\n" + string.Join("\n", serious));
    }

    /// <summary>
    /// The layout applies the remembered theme only after reading browser storage, so the first look can still
    /// show the default: look again after each click until the wanted theme holds.
    /// </summary>
    internal static async Task SetThemeAsync(IPage page, string theme)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            await page.WaitForTimeoutAsync(500);
            if (await page.Locator($".mud-layout.theme-{theme}").CountAsync() > 0)
            {
                return;
            }

            await page.ClickAsync("#theme-toggle");
        }

        await page.Locator($".mud-layout.theme-{theme}").WaitForAsync();
    }
}
