using FusionCluster.Connectivity.LanguageModels;
using ScottPlot;

namespace FusionCluster.Connectivity.Reporting;

/// <summary>
/// Draws paths into a PNG with ScottPlot: loss against α on the left axis (solid), and on the right (dashed)
/// accuracy for classifiers, perplexity for language models. <c>fusion connect</c> and each point of a connect
/// sweep draw their connect.png here, so the same paths give the same picture.
/// </summary>
public static class PathPlot
{
    /// <summary>The plot's title: the two models' folder names and the paths' labels.</summary>
    public static string Title(string first, string second, IEnumerable<string> labels) =>
        $"{Path.GetFileName(Path.TrimEndingDirectorySeparator(first))} → {Path.GetFileName(Path.TrimEndingDirectorySeparator(second))} ({string.Join(", ", labels)})";

    public static byte[] Png(IReadOnlyList<PathReport> reports, string title, int width = 1000, int height = 600)
    {
        ArgumentNullException.ThrowIfNull(reports);
        return Draw(title, "accuracy", width, height, [.. reports.Select(r => new Series(r.Label, [.. r.Points.Select(p => p.Alpha)], [.. r.Points.Select(p => p.Loss)], [.. r.Points.Select(p => p.Accuracy)]))]);
    }

    public static byte[] Png(IReadOnlyList<LanguagePathReport> reports, string title, int width = 1000, int height = 600)
    {
        ArgumentNullException.ThrowIfNull(reports);
        return Draw(title, "perplexity", width, height, [.. reports.Select(r => new Series(r.Label, [.. r.Points.Select(p => p.Alpha)], [.. r.Points.Select(p => p.Loss)], [.. r.Points.Select(p => p.Perplexity)]))]);
    }

    private static byte[] Draw(string title, string rightName, int width, int height, IReadOnlyList<Series> series)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        for (var i = 0; i < series.Count; i++)
        {
            var line = series[i];
            var color = palette.GetColor(i);
            var loss = plot.Add.Scatter(line.Alphas, line.Loss, color);
            loss.LegendText = $"{line.Label}: loss";
            var right = plot.Add.Scatter(line.Alphas, line.Right, color);
            right.LegendText = $"{line.Label}: {rightName}";
            right.LinePattern = LinePattern.Dashed;
            right.Axes.YAxis = plot.Axes.Right;
        }

        plot.Title(title);
        plot.Axes.Bottom.Label.Text = "α (0 = first model, 1 = second)";
        plot.Axes.Left.Label.Text = "cross-entropy (solid)";
        plot.Axes.Right.Label.Text = $"{rightName} (dashed)";
        plot.ShowLegend(ScottPlot.Alignment.UpperRight);
        return plot.GetImage(width, height).GetImageBytes(ImageFormat.Png);
    }

    private sealed record Series(string Label, double[] Alphas, double[] Loss, double[] Right);
}
