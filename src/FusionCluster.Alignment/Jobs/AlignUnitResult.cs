using System.Text.Json;
using System.Text.Json.Nodes;
using FusionCluster.Alignment.Matching;
using FusionCluster.Alignment.Repair;
using FusionCluster.Alignment.Reports;
using FusionCluster.Core.Planning;

namespace FusionCluster.Alignment.Jobs;

/// <summary>
/// What one alignment unit of a merge job leaves for the merge units and the report: permutations.json's
/// shape without its timing, so that the same inputs give the same text on any silo.
/// </summary>
public static class AlignUnitResult
{
    /// <param name="repair">REPAIR's per-layer corrections of the interpolation with this model, when the job repairs.</param>
    public static string ToJson(AlignmentResult result, AlignPlan plan, string model, IReadOnlyList<UnitCorrection>? repair = null)
    {
        var json = PermutationsFile.ToJson(result, plan.Method, plan.Reference, model, plan.Seed, plan.Iterations, 0);
        json.Remove("seconds");
        if (repair is not null)
        {
            json["repair"] = new JsonArray(repair.Select(c => (JsonNode)new JsonObject
            {
                ["weight"] = c.Weight,
                ["bias"] = c.Bias,
                ["scale"] = new JsonArray(c.Scale.Select(v => (JsonNode)v).ToArray()),
                ["shift"] = new JsonArray(c.Shift.Select(v => (JsonNode)v).ToArray()),
            }).ToArray());
        }

        return json.ToJsonString();
    }

    /// <summary>REPAIR's corrections in a unit's result; an error naming <paramref name="source"/> when there are none.</summary>
    public static IReadOnlyList<UnitCorrection> RepairOf(JsonNode root, string source)
    {
        try
        {
            return (root["repair"] as JsonArray ?? throw new AlignmentException($"{source}: the job repairs, but the result has no \"repair\" corrections"))
                .Select(node => new UnitCorrection(
                    node!["weight"]!.GetValue<string>(),
                    node["bias"]!.GetValue<string>(),
                    node["scale"]!.AsArray().Select(v => v!.GetValue<float>()).ToArray(),
                    node["shift"]!.AsArray().Select(v => v!.GetValue<float>()).ToArray()))
                .ToList();
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or NullReferenceException)
        {
            throw new AlignmentException($"{source}: malformed \"repair\" corrections", e);
        }
    }

    /// <summary>The model a result aligns; an error naming the unit's result when it is not one.</summary>
    public static string ModelOf(JsonNode? root) =>
        root?["model"] is JsonValue value && value.TryGetValue<string>(out var model)
            ? model
            : throw new AlignmentException("an alignment unit's result names no model");

    public static JsonNode? Parse(string text)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException e)
        {
            throw new AlignmentException($"an alignment unit's result is not valid JSON: {e.Message}", e);
        }
    }

    /// <summary>
    /// fusion-report.json's "alignment": the method and reference, then per aligned model its sweeps and,
    /// per permutation group, the units moved and the matching objective before and after (no permutations).
    /// </summary>
    public static JsonObject Report(AlignPlan plan, IEnumerable<string> results)
    {
        var models = new JsonObject();
        foreach (var root in results.Select(Parse).OrderBy(r => plan.Models.ToList().IndexOf(ModelOf(r))))
        {
            var groups = new JsonObject();
            foreach (var (group, node) in root!["groups"]!.AsObject())
            {
                groups[group] = new JsonObject
                {
                    ["size"] = node!["size"]!.DeepClone(),
                    ["units_moved"] = node["units_moved"]!.DeepClone(),
                    ["objective_before"] = node["objective_before"]!.DeepClone(),
                    ["objective_after"] = node["objective_after"]!.DeepClone(),
                };
            }

            models[ModelOf(root)] = new JsonObject
            {
                ["sweeps"] = root["sweeps"]!.DeepClone(),
                ["converged"] = root["converged"]!.DeepClone(),
                ["groups"] = groups,
            };
        }

        var report = new JsonObject
        {
            ["method"] = plan.Method,
            ["reference"] = plan.Reference,
            ["iterations"] = plan.Iterations,
            ["seed"] = plan.Seed,
            ["models"] = models,
        };
        if (plan.RepairAlpha is { } alpha)
        {
            // The goal each hidden unit of the merge was corrected to: (1 − alpha)·reference's + alpha·model's statistics.
            report["repair"] = new JsonObject { ["alpha"] = alpha, ["samples"] = plan.Samples };
        }

        return report;
    }
}
