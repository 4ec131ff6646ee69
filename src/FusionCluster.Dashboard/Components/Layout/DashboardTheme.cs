using MudBlazor;

namespace FusionCluster.Dashboard.Components.Layout;

/// <summary>The dashboard's colours and fonts, shared by the main and the plain (sign-in) layouts.</summary>
public static class DashboardTheme
{
    public static MudTheme Theme { get; } = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#3949ab",
            Secondary = "#00897b",
            AppbarBackground = "#283593",
        },
        Typography = new Typography
        {
            // The system font stack: no web font downloads, so the page works offline.
            Default = new DefaultTypography { FontFamily = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica", "Arial", "sans-serif"] },
        },
    };
}
