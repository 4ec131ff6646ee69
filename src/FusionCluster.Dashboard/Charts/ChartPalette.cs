namespace FusionCluster.Dashboard.Charts;

/// <summary>Series colours distinguishable for colour-blind readers (Okabe-Ito), dark enough on white for 3:1 (graphics).</summary>
public static class ChartPalette
{
    private static readonly string[] Colors = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#8B6C00", "#56207A", "#000000"];

    public static string For(int series) => Colors[series % Colors.Length];
}
