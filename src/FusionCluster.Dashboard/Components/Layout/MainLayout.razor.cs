using FusionCluster.Dashboard.Security;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Server.ProtectedBrowserStorage;
using Microsoft.AspNetCore.Components.Web;

namespace FusionCluster.Dashboard.Components.Layout;

public sealed partial class MainLayout
{
    /// <summary>The browser's local storage key of the reader's theme choice.</summary>
    public const string ThemeKey = "fusion-theme";

    private bool drawerOpen = true;
    private bool darkMode;
    private ErrorBoundary? errorBoundary;

    [Inject]
    private SecretRedactor Redactor { get; set; } = default!;

    [Inject]
    private ProtectedLocalStorage Storage { get; set; } = default!;

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender)
        {
            return;
        }

        try
        {
            // The choice lives in the browser, so it survives sign-out and applies to every page of this browser.
            var stored = await Storage.GetAsync<bool>(ThemeKey);
            if (stored.Success && stored.Value != darkMode)
            {
                darkMode = stored.Value;
                StateHasChanged();
            }
        }
        catch (Exception e) when (e is InvalidOperationException or System.Security.Cryptography.CryptographicException or Microsoft.JSInterop.JSException or TaskCanceledException)
        {
            // No storage (a test renderer, a stale key after the data-protection keys changed): the light theme.
        }
    }

    private async Task ToggleDarkModeAsync()
    {
        darkMode = !darkMode;
        try
        {
            await Storage.SetAsync(ThemeKey, darkMode);
        }
        catch (Exception e) when (e is InvalidOperationException or Microsoft.JSInterop.JSException or TaskCanceledException)
        {
            // The theme still switches for this page; it is just not remembered.
        }
    }

    protected override void OnParametersSet() => errorBoundary?.Recover();

    private void ToggleDrawer() => drawerOpen = !drawerOpen;

    private void Recover() => errorBoundary?.Recover();
}
