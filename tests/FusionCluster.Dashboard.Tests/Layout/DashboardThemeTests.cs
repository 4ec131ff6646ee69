using FusionCluster.Dashboard.Components.Layout;
using MudBlazor;
using MudBlazor.Utilities;

namespace FusionCluster.Dashboard.Tests.Layout;

/// <summary>WCAG AA for every filled colour of both palettes: its contrast text at 4.5:1 or more (WCAG 2.x relative luminance).</summary>
public sealed class DashboardThemeTests
{
    public static TheoryData<string> Palettes => ["light", "dark"];

    [Theory]
    [MemberData(nameof(Palettes))]
    public void Every_chip_and_button_colour_has_its_text_at_AA_contrast(string which)
    {
        Palette palette = which == "light" ? DashboardTheme.Theme.PaletteLight : DashboardTheme.Theme.PaletteDark;
        var pairs = new (string Name, MudColor Fill, MudColor Text)[]
        {
            ("primary", palette.Primary, palette.PrimaryContrastText),
            ("secondary", palette.Secondary, palette.SecondaryContrastText),
            ("success", palette.Success, palette.SuccessContrastText),
            ("info", palette.Info, palette.InfoContrastText),
            ("warning", palette.Warning, palette.WarningContrastText),
            ("error", palette.Error, palette.ErrorContrastText),
        };

        Assert.All(pairs, p => Assert.True(Contrast(p.Fill, p.Text) >= 4.5, $"{which} {p.Name}: {p.Text.Value} on {p.Fill.Value} is {Contrast(p.Fill, p.Text):0.00}:1"));
    }

    [Fact]
    public void The_contrast_formula_matches_known_values()
    {
        // Black on white is 21:1; white on MudBlazor's old success green #00c853 is the 2.2:1 the issue measured.
        Assert.Equal(21, Contrast(new MudColor("#ffffff"), new MudColor("#000000")), 2);
        Assert.Equal(2.24, Contrast(new MudColor("#00c853"), new MudColor("#ffffff")), 2);
    }

    private static double Contrast(MudColor a, MudColor b)
    {
        var (l1, l2) = (Luminance(a), Luminance(b));
        return (Math.Max(l1, l2) + 0.05) / (Math.Min(l1, l2) + 0.05);
    }

    private static double Luminance(MudColor color)
    {
        static double Channel(byte value)
        {
            var c = value / 255.0;
            return c <= 0.03928 ? c / 12.92 : Math.Pow((c + 0.055) / 1.055, 2.4);
        }

        return (0.2126 * Channel(color.R)) + (0.7152 * Channel(color.G)) + (0.0722 * Channel(color.B));
    }
}
