using System.Text.Json.Nodes;
using FusionCluster.Core.Planning;
using FusionCluster.Core.Storage;

namespace FusionCluster.Core.Execution;

/// <summary>fusion-report.json: what was merged from what, and how long each unit took.</summary>
public static class MergeReport
{
    /// <param name="specText">The spec as submitted.</param>
    /// <param name="plan">The plan that ran.</param>
    /// <param name="seed">The seed of random methods.</param>
    /// <param name="results">One result per unit.</param>
    /// <param name="wallSeconds">The job's run time.</param>
    /// <param name="inputs">The input checkpoints by model.</param>
    /// <param name="contentHashes">
    /// With --input-hash full: the content hashes by location, each file's reported as
    /// "sha256" beside the header's "header_sha256"; null reports header fingerprints alone.
    /// </param>
    public static JsonObject Build(
        string specText,
        MergePlan plan,
        ulong seed,
        IEnumerable<UnitResult> results,
        double wallSeconds,
        IReadOnlyDictionary<string, ICheckpoint> inputs,
        IReadOnlyDictionary<string, CheckpointContentHash>? contentHashes)
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
            var hashes = contentHashes?[location];
            var files = new JsonArray();
            var weightFiles = inputs[model].WeightFiles;
            for (var i = 0; i < weightFiles.Count; i++)
            {
                var file = weightFiles[i];
                var entry = new JsonObject { ["file"] = file.FileName, ["bytes"] = file.Bytes, ["header_sha256"] = file.HeaderSha256 };
                if (hashes is not null)
                {
                    entry["sha256"] = hashes.WeightFiles[i].Sha256;
                }

                files.Add(entry);
            }

            var input = new JsonObject { ["path"] = location, ["files"] = files };
            if (hashes is not null)
            {
                var others = new JsonArray();
                foreach (var other in hashes.OtherFiles)
                {
                    others.Add(new JsonObject { ["file"] = other.FileName, ["bytes"] = other.Bytes, ["sha256"] = other.Sha256 });
                }

                input["other_files"] = others;
            }

            models[model] = input;
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
            // Says what "inputs" vouches for: "header" fingerprints only, or "full" content hashes too.
            ["input_hash"] = contentHashes is null ? "header" : "full",
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
