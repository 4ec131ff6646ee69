using MudBlazor;

namespace FusionCluster.Dashboard.Components.Layout;

/// <summary>
/// The dashboard's colours and fonts, shared by the main and the plain (sign-in) layouts. Every colour a chip
/// or button fills with has its contrast text at 4.5:1 or more (WCAG AA; DashboardThemeTests check it): the
/// light palette's fills are dark enough for white text, the dark palette's light enough for black.
/// </summary>
public static class DashboardTheme
{
    public static MudTheme Theme { get; } = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#3949ab",
            Secondary = "#00796b",
            AppbarBackground = "#283593",
            Success = "#2e7d32",
            Info = "#1565c0",
            Warning = "#ad4e00",
            Error = "#c62828",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#9fa8da",
            PrimaryContrastText = "#000000",
            Secondary = "#4db6ac",
            SecondaryContrastText = "#000000",
            AppbarBackground = "#1a237e",
            Success = "#81c784",
            SuccessContrastText = "#000000",
            Info = "#64b5f6",
            InfoContrastText = "#000000",
            Warning = "#ffb74d",
            WarningContrastText = "#000000",
            Error = "#ef9a9a",
            ErrorContrastText = "#000000",
        },
        Typography = new Typography
        {
            // The system font stack: no web font downloads, so the page works offline.
            Default = new DefaultTypography { FontFamily = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica", "Arial", "sans-serif"] },
        },
    };
}
