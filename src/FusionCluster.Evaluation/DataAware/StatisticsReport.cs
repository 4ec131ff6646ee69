using System.Text.Json.Nodes;
using FusionCluster.Core.Planning;

namespace FusionCluster.Evaluation.DataAware;

/// <summary>The merge report's <c>statistics</c> section: what each model's statistics were computed on, and how long each unit took.</summary>
public static class StatisticsReport
{
    public static JsonObject Build(StatisticsPlan plan, IEnumerable<string> unitResults)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var models = new JsonObject();
        var seconds = 0.0;
        foreach (var result in unitResults.Select(StatisticsUnitResult.Parse))
        {
            seconds += result.Seconds;
            models[result.Model] = new JsonObject
            {
                ["dataset"] = plan.Datasets.GetValueOrDefault(result.Model),
                ["dataset_sha256"] = result.DatasetSha256,
                ["samples"] = result.Samples,
                ["seconds"] = Math.Round(result.Seconds, 3),
            };
        }

        return new JsonObject
        {
            ["kind"] = plan.Kind,
            ["samples"] = plan.Samples,
            ["unit_seconds"] = Math.Round(seconds, 3),
            ["models"] = models,
        };
    }
}
