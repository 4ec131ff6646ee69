using FusionCluster.Connectivity.Reporting;
using ScottPlot;

namespace FusionCluster.Cli.Commands;

/// <summary>Draws paths into a PNG with ScottPlot: loss against α on the left axis (solid), accuracy on the right (dashed).</summary>
public static class PathPlot
{
    public static void Save(string path, IReadOnlyList<PathReport> reports, string title, int width = 1000, int height = 600)
    {
        ArgumentNullException.ThrowIfNull(reports);
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        for (var i = 0; i < reports.Count; i++)
        {
            var report = reports[i];
            var alphas = report.Points.Select(p => p.Alpha).ToArray();
            var color = palette.GetColor(i);
            var loss = plot.Add.Scatter(alphas, report.Points.Select(p => p.Loss).ToArray(), color);
            loss.LegendText = $"{report.Label}: loss";
            var accuracy = plot.Add.Scatter(alphas, report.Points.Select(p => p.Accuracy).ToArray(), color);
            accuracy.LegendText = $"{report.Label}: accuracy";
            accuracy.LinePattern = LinePattern.Dashed;
            accuracy.Axes.YAxis = plot.Axes.Right;
        }

        plot.Title(title);
        plot.Axes.Bottom.Label.Text = "α (0 = first model, 1 = second)";
        plot.Axes.Left.Label.Text = "cross-entropy (solid)";
        plot.Axes.Right.Label.Text = "accuracy (dashed)";
        plot.ShowLegend(ScottPlot.Alignment.UpperRight);
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null)
        {
            Directory.CreateDirectory(folder);
        }

        plot.SavePng(path, width, height);
    }
}
