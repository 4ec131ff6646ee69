using System.Text.Json.Nodes;
using FusionCluster.Core.Planning;

namespace FusionCluster.Evaluation.DataAware;

/// <summary>The merge report's <c>statistics</c> section: what each model's statistics were computed on, and how long each unit took.</summary>
public static class StatisticsReport
{
    public static JsonObject Build(StatisticsPlan plan, IEnumerable<string> unitResults)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (plan.Learning is { } learning)
        {
            return Coefficients(plan, learning, unitResults.Select(CoefficientsUnitResult.Parse).Single());
        }

        var models = new JsonObject();
        var seconds = 0.0;
        // A sequential kind has one unit per model and layer, a language model one per block: a model's seconds are its units' sum.
        foreach (var byModel in unitResults.Select(StatisticsUnitResult.Parse).GroupBy(r => r.Model, StringComparer.Ordinal))
        {
            var first = byModel.First();
            var modelSeconds = byModel.Sum(r => r.Seconds);
            seconds += modelSeconds;
            models[first.Model] = new JsonObject
            {
                ["dataset"] = plan.Datasets.GetValueOrDefault(first.Model),
                ["dataset_sha256"] = first.DatasetSha256,
                ["samples"] = first.Samples,
                ["seconds"] = Math.Round(modelSeconds, 3),
                ["cached"] = byModel.All(r => r.Cached),
            };
        }

        var report = new JsonObject
        {
            ["kind"] = plan.Kind,
            ["samples"] = plan.Samples,
            ["unit_seconds"] = Math.Round(seconds, 3),
            ["models"] = models,
        };
        if (plan.Layers > 0)
        {
            report["layers"] = plan.Layers;
        }

        if (plan.Blocks > 0)
        {
            report["blocks"] = plan.Blocks;
        }

        return report;
    }

    /// <summary>AdaMerging's section: how the coefficients were learned and λ per model and tensor.</summary>
    private static JsonObject Coefficients(StatisticsPlan plan, CoefficientLearning learning, CoefficientsUnitResult result)
    {
        var coefficients = new JsonObject();
        for (var i = 0; i < result.Models.Count; i++)
        {
            var row = new JsonObject();
            for (var k = 0; k < result.Tensors.Count; k++)
            {
                row[result.Tensors[k]] = result.Coefficients[i][k];
            }

            coefficients[result.Models[i]] = row;
        }

        return new JsonObject
        {
            ["kind"] = plan.Kind,
            ["base_model"] = learning.Base,
            ["steps"] = learning.Steps,
            ["batch_size"] = learning.Batch,
            ["lr"] = learning.LearningRate,
            ["seed"] = learning.Seed,
            ["unit_seconds"] = Math.Round(result.Seconds, 3),
            ["cached"] = result.Cached,
            ["datasets"] = new JsonObject(plan.Datasets.Select(d => KeyValuePair.Create(d.Key, (JsonNode?)JsonValue.Create(d.Value)))),
            ["coefficients"] = coefficients,
        };
    }
}
