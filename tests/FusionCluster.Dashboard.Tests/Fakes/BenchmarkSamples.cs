using System.Text;
using System.Text.Json.Nodes;
using FusionCluster.Core.Storage;
using FusionCluster.Storage.Local;

namespace FusionCluster.Dashboard.Tests.Fakes;

/// <summary>multitask.json documents as fusion benchmark multitask writes them, with hand-chosen accuracies.</summary>
public static class BenchmarkSamples
{
    public static readonly string[] Tasks = ["mnist", "fashion", "rotated"];

    /// <summary>Two references, two merges (ties best: average 0.8), a data-aware merge with a statistics phase, an unavailable method.</summary>
    public static JsonObject Document() => new()
    {
        ["format"] = BenchmarkResultLayout.Format,
        ["tasks"] = new JsonArray([.. Tasks.Select(t => (JsonNode)t)]),
        ["wall_seconds"] = 42.5,
        ["rows"] = new JsonArray(
            Row("pretrained", "reference", [0.5, 0.4, 0.3], 10),
            Row("individual", "reference", [0.9, 0.9, 0.9], 20),
            Row("task_arithmetic", "merge", [0.7, 0.6, 0.8], 1.5),
            Row("ties", "merge", [0.9, 0.7, 0.8], 1.25),
            Row("regmean", "data-aware", [0.8, 0.6, 0.5], 3, statisticsSeconds: 2, silos: 3),
            new JsonObject { ["name"] = "emr", ["kind"] = "unavailable", ["accuracy"] = null, ["average"] = null, ["normalized"] = null, ["note"] = "not in this build" }),
    };

    // average and normalized are what the benchmark writes: the mean, and the mean of accuracy / 0.9 (the individual row).
    public static JsonObject Row(string name, string kind, double[] accuracy, double seconds, double statisticsSeconds = 0, int silos = 0) => new()
    {
        ["name"] = name,
        ["kind"] = kind,
        ["accuracy"] = new JsonObject(Tasks.Select((t, i) => KeyValuePair.Create(t, (JsonNode?)accuracy[i]))),
        ["average"] = accuracy.Average(),
        ["normalized"] = accuracy.Select(a => a / 0.9).Average(),
        ["seconds"] = seconds,
        ["statistics_seconds"] = statisticsSeconds,
        ["statistics_silos"] = silos,
        ["note"] = "",
    };

    public static Task PublishAsync(string root, string name, string json, byte[]? plot = null)
    {
        List<PublishedContent> files = [new(BenchmarkResultLayout.DocumentFileName, Encoding.UTF8.GetBytes(json))];
        if (plot is not null)
        {
            files.Add(new PublishedContent(BenchmarkResultLayout.PlotFileName, plot));
        }

        return new LocalFolderStore().PublishFilesAsync(Path.Combine(root, name), files, overwrite: false, CancellationToken.None);
    }
}
