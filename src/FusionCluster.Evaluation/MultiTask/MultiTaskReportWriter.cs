using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FusionCluster.Core.Storage;

namespace FusionCluster.Evaluation.MultiTask;

/// <summary>Writes the benchmark's table (multitask.md) and its data (multitask.json); the CLI draws multitask.png.</summary>
public static class MultiTaskReportWriter
{
    public const string JsonFileName = BenchmarkResultLayout.DocumentFileName;
    public const string TableFileName = BenchmarkResultLayout.TableFileName;
    public const string ChartFileName = BenchmarkResultLayout.PlotFileName;

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static void WriteAll(string folder, MultiTaskReport report, MultiTaskOptions options)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, JsonFileName), ToJson(report, options).ToJsonString(Indented) + "\n");
        File.WriteAllText(Path.Combine(folder, TableFileName), Table(report));
    }

    public static JsonObject ToJson(MultiTaskReport report, MultiTaskOptions options)
    {
        var individual = report.Individual;
        return new JsonObject
        {
            ["format"] = BenchmarkResultLayout.Format,
            ["tasks"] = new JsonArray(report.Tasks.Select(t => (JsonNode)t).ToArray()),
            ["options"] = options.TrainingKey(),
            ["suite"] = report.SuiteFolder,
            ["computed"] = new JsonObject
            {
                ["trainings"] = report.Trainings,
                ["merges"] = report.Merges,
                ["evaluations"] = report.Evaluations,
                ["statistics"] = report.StatisticsComputed,
            },
            ["wall_seconds"] = report.WallSeconds,
            ["rows"] = new JsonArray(report.Rows.Select(r => (JsonNode)new JsonObject
            {
                ["name"] = r.Name,
                ["kind"] = r.Kind,
                ["accuracy"] = r.Accuracy is null ? null : new JsonObject(report.Tasks.Select((t, i) => KeyValuePair.Create(t, (JsonNode?)r.Accuracy[i]))),
                ["average"] = r.Average,
                ["normalized"] = r.Normalized(individual),
                ["seconds"] = r.Seconds,
                ["statistics_seconds"] = r.StatisticsSeconds,
                ["statistics_silos"] = r.StatisticsSilos,
                ["note"] = r.Note,
            }).ToArray()),
        };
    }

    /// <summary>A Markdown table: accuracy in percent per task, the average, the normalised average, seconds, and a data-aware job's statistics phase (seconds, silos).</summary>
    public static string Table(MultiTaskReport report)
    {
        var individual = report.Individual;
        var text = new StringBuilder();
        text.Append("| method | ").Append(string.Join(" | ", report.Tasks)).Append(" | avg | norm | s | statistics s (silos) |\n");
        text.Append("|---|").Append(string.Concat(Enumerable.Repeat("---|", report.Tasks.Count + 4))).Append('\n');
        foreach (var row in report.Rows)
        {
            var name = row.Kind == "reference" || row.Kind == "ensemble" ? $"*{row.Name}*" : row.Name;
            if (row.Accuracy is null)
            {
                text.Append(CultureInfo.InvariantCulture, $"| {name} | ").Append(string.Join(" | ", report.Tasks.Select(_ => "–"))).Append(" | – | – | – | – |\n");
                continue;
            }

            text.Append(CultureInfo.InvariantCulture, $"| {name} | ")
                .Append(string.Join(" | ", row.Accuracy.Select(a => (100 * a).ToString("F1", CultureInfo.InvariantCulture))))
                .Append(CultureInfo.InvariantCulture, $" | **{100 * row.Average!.Value:F1}** | {100 * row.Normalized(individual)!.Value:F1} | {row.Seconds:F1} | {Statistics(row)} |\n");
        }

        var missing = report.Rows.Where(r => r.Accuracy is null).Select(r => r.Name).ToList();
        if (missing.Count > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"\nNot available in this build: {string.Join(", ", missing)}.\n");
        }

        return text.ToString();
    }

    private static string Statistics(MultiTaskRow row) =>
        row.StatisticsSilos > 0 ? string.Create(CultureInfo.InvariantCulture, $"{row.StatisticsSeconds:F1} ({row.StatisticsSilos})") : "–";
}
