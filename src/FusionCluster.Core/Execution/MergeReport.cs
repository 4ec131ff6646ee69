using System.Text.Json.Nodes;
using FusionCluster.Core.Planning;
using FusionCluster.Core.Storage;

namespace FusionCluster.Core.Execution;

/// <summary>fusion-report.json: what was merged from what, and how long each unit took.</summary>
public static class MergeReport
{
    public static JsonObject Build(string specText, MergePlan plan, ulong seed, IEnumerable<UnitResult> results, double wallSeconds, IReadOnlyDictionary<string, ICheckpoint> inputs)
    {
        var units = new JsonArray();
        foreach (var result in results.OrderBy(r => r.Unit))
        {
            units.Add(new JsonObject
            {
                ["unit"] = result.Unit,
                ["name"] = plan.Units[result.Unit].Name,
                ["seconds"] = Math.Round(result.Seconds, 4),
                ["input_bytes"] = result.InputBytes,
                ["output_bytes"] = result.OutputBytes,
            });
        }

        var models = new JsonObject();
        foreach (var (model, location) in plan.ModelPaths.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            var files = new JsonArray();
            foreach (var file in inputs[model].WeightFiles)
            {
                files.Add(new JsonObject { ["file"] = file.FileName, ["bytes"] = file.Bytes, ["header_sha256"] = file.HeaderSha256 });
            }

            models[model] = new JsonObject { ["path"] = location, ["files"] = files };
        }

        var warnings = new JsonArray();
        foreach (var warning in plan.Warnings.Concat(results.SelectMany(r => r.Warnings)))
        {
            warnings.Add(warning);
        }

        return new JsonObject
        {
            ["tool"] = "FusionCluster",
            ["method"] = plan.Method,
            ["seed"] = seed,
            ["spec"] = specText,
            ["inputs"] = models,
            ["tensors"] = plan.TensorCount,
            ["input_bytes"] = plan.TotalInputBytes,
            ["output_bytes"] = plan.TotalOutputBytes,
            ["wall_seconds"] = Math.Round(wallSeconds, 4),
            ["units"] = units,
            ["warnings"] = warnings,
        };
    }
}
