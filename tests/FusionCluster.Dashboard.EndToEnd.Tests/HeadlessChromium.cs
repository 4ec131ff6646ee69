using FusionCluster.TestSupport;
using Microsoft.Playwright;

namespace FusionCluster.Dashboard.EndToEnd.Tests;

/// <summary>The system's chromium (deploy/local/prerequisites installs it), headless, without a sandbox or a GPU.</summary>
public static class HeadlessChromium
{
    public static Task<IBrowser> LaunchAsync(IPlaywright playwright) =>
        playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            // Fails (never skips) with a message naming deploy/local/prerequisites when chromium is missing.
            ExecutablePath = LocalTools.Chromium,
            Headless = true,
            Args =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
            ],
        });
}
