using FusionCluster.Evaluation.MultiTask;
using ScottPlot;

namespace FusionCluster.Cli.Commands;

/// <summary>
/// multitask.png: average and normalised accuracy per row, drawn with ScottPlot here rather than in Evaluation,
/// which silos load and which should not carry a plotting library.
/// </summary>
public static class MultiTaskChart
{
    public static void Save(string path, MultiTaskReport report, int width = 1200, int height = 600)
    {
        var rows = report.Rows.Where(r => r.Accuracy is not null).ToList();
        var individual = report.Individual;
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var bars = new List<Bar>();
        for (var i = 0; i < rows.Count; i++)
        {
            bars.Add(new Bar { Position = (3 * i) + 1, Value = 100 * rows[i].Average!.Value, FillColor = palette.GetColor(0) });
            bars.Add(new Bar { Position = (3 * i) + 2, Value = 100 * rows[i].Normalized(individual)!.Value, FillColor = palette.GetColor(1) });
        }

        plot.Add.Bars(bars);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            rows.Select((_, i) => (3.0 * i) + 1.5).ToArray(), rows.Select(r => r.Name).ToArray());
        plot.Axes.Bottom.TickLabelStyle.Rotation = 45;
        plot.Axes.Bottom.TickLabelStyle.Alignment = ScottPlot.Alignment.MiddleLeft;
        plot.Axes.Bottom.MinimumSize = 120;
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "average accuracy %", FillColor = palette.GetColor(0) });
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "normalised accuracy % (merged / individual)", FillColor = palette.GetColor(1) });
        plot.ShowLegend(ScottPlot.Alignment.UpperRight);
        plot.Axes.Left.Label.Text = "%";
        // Head room above the 100% bars for the legend.
        plot.Axes.SetLimitsY(0, 130);
        plot.Title($"Multi-task benchmark: {report.Tasks.Count} tasks, each through its own head");
        plot.SavePng(path, width, height);
    }
}
