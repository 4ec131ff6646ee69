using System.Security.Cryptography;
using System.Text.Json.Nodes;
using FusionCluster.Core.Planning;

namespace FusionCluster.Core.Execution;

/// <summary>fusion-report.json: what was merged from what, and how long each unit took.</summary>
public static class MergeReport
{
    public static JsonObject Build(string specText, MergePlan plan, ulong seed, IEnumerable<UnitResult> results, double wallSeconds)
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

        var inputs = new JsonObject();
        foreach (var (model, path) in plan.ModelPaths.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            inputs[model] = new JsonObject { ["path"] = path, ["files"] = Fingerprints(path) };
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
            ["inputs"] = inputs,
            ["tensors"] = plan.TensorCount,
            ["input_bytes"] = plan.TotalInputBytes,
            ["output_bytes"] = plan.TotalOutputBytes,
            ["wall_seconds"] = Math.Round(wallSeconds, 4),
            ["units"] = units,
            ["warnings"] = warnings,
        };
    }

    /// <summary>
    /// Identifies each input file by its size and the SHA-256 of its safetensors header (names, dtypes,
    /// shapes, offsets). Hashing every byte of a many-GB checkpoint would cost as much as the merge itself.
    /// </summary>
    private static JsonArray Fingerprints(string folder)
    {
        var files = new JsonArray();
        foreach (var file in Directory.EnumerateFiles(folder, "*.safetensors").Order(StringComparer.Ordinal))
        {
            using var stream = File.OpenRead(file);
            var prefix = new byte[8];
            stream.ReadExactly(prefix);
            var headerLength = (int)Math.Min(BitConverter.ToUInt64(prefix), (ulong)(stream.Length - 8));
            var header = new byte[8 + headerLength];
            prefix.CopyTo(header, 0);
            stream.ReadExactly(header.AsSpan(8));
            files.Add(new JsonObject
            {
                ["file"] = Path.GetFileName(file),
                ["bytes"] = stream.Length,
                ["header_sha256"] = Convert.ToHexStringLower(SHA256.HashData(header)),
            });
        }

        return files;
    }
}
