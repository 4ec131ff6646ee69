using System.Text.Json;
using System.Text.Json.Nodes;
using FusionCluster.Alignment.Matching;

namespace FusionCluster.Alignment.Reports;

/// <summary>
/// permutations.json, written next to an aligned model:
/// <code>
/// {"method": "weight_matching", "reference": "...", "model": "...", "seed": 0, "iterations": 100,
///  "sweeps": 3, "converged": true, "seconds": 1.2,
///  "groups": {"residual": {"size": 4096, "units_moved": 4090, "objective_before": 1.0, "objective_after": 9.0,
///                          "permutation": [...]}}}
/// </code>
/// permutation[u] is the unit of the original model that becomes unit u of the aligned one.
/// </summary>
public static class PermutationsFile
{
    public const string FileName = "permutations.json";

    public static JsonObject ToJson(AlignmentResult result, string method, string reference, string model, int seed, int iterations, double seconds)
    {
        var groups = new JsonObject();
        foreach (var group in result.Groups)
        {
            groups[group.Group] = new JsonObject
            {
                ["size"] = group.Permutation.Length,
                ["units_moved"] = group.UnitsMoved,
                ["objective_before"] = group.ObjectiveBefore,
                ["objective_after"] = group.ObjectiveAfter,
                ["permutation"] = new JsonArray(group.Permutation.Select(p => (JsonNode)p).ToArray()),
            };
        }

        return new JsonObject
        {
            ["method"] = method,
            ["reference"] = reference,
            ["model"] = model,
            ["seed"] = seed,
            ["iterations"] = iterations,
            ["sweeps"] = result.Sweeps,
            ["converged"] = result.Converged,
            ["seconds"] = Math.Round(seconds, 3),
            ["groups"] = groups,
        };
    }

    public static void Write(string path, JsonObject json) =>
        File.WriteAllText(path, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));

    /// <summary>Reads the permutations back, checking each is a permutation of 0..size-1; errors name the file and group.</summary>
    public static IReadOnlyDictionary<string, int[]> ReadPermutations(string path)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new AlignmentException($"{path}: not valid JSON: {e.Message}", e);
        }

        return PermutationsOf(root, path);
    }

    /// <summary>The permutations of a parsed permutations.json (or an alignment unit's result); <paramref name="source"/> names it in errors.</summary>
    public static IReadOnlyDictionary<string, int[]> PermutationsOf(JsonNode? root, string source)
    {
        var groups = root?["groups"] as JsonObject ?? throw new AlignmentException($"{source}: no \"groups\" object");
        var permutations = new Dictionary<string, int[]>(StringComparer.Ordinal);
        foreach (var (name, node) in groups)
        {
            try
            {
                var permutation = node!["permutation"]!.AsArray().Select(v => v!.GetValue<int>()).ToArray();
                if (!permutation.Order().SequenceEqual(Enumerable.Range(0, permutation.Length)))
                {
                    throw new AlignmentException($"{source}: group '{name}': \"permutation\" is not a permutation of 0..{permutation.Length - 1}");
                }

                permutations[name] = permutation;
            }
            catch (Exception e) when (e is InvalidOperationException or FormatException or NullReferenceException)
            {
                throw new AlignmentException($"{source}: group '{name}': \"permutation\" must be an array of integers", e);
            }
        }

        return permutations;
    }
}
