using System.Text.Json.Nodes;
using FusionCluster.Alignment.Zipping;
using FusionCluster.Core.Planning;

namespace FusionCluster.Alignment.Jobs;

/// <summary>
/// What a zipit job's one alignment unit leaves for the merge units and the report: per hidden layer the cluster
/// of each of the 2n features (the reference's first), which define the merge and unmerge matrices, with the
/// fields <see cref="AlignUnitResult.Report"/> reads (units moved, objective before and after).
/// </summary>
public static class ZipUnitResult
{
    public static string ToJson(IReadOnlyList<ZippedGroup> groups, AlignPlan plan, string model)
    {
        ArgumentNullException.ThrowIfNull(groups);
        ArgumentNullException.ThrowIfNull(plan);
        var nodes = new JsonObject();
        foreach (var group in groups)
        {
            nodes[group.Name] = new JsonObject
            {
                ["size"] = group.Clusters.FeaturesPerModel,
                ["units_moved"] = group.UnitsMoved,
                ["objective_before"] = group.ObjectiveBefore,
                ["objective_after"] = group.ObjectiveAfter,
                ["clusters"] = new JsonArray(group.Clusters.ClusterOf.Select(c => (JsonNode)c).ToArray()),
            };
        }

        return new JsonObject
        {
            ["method"] = plan.Method,
            ["reference"] = plan.Reference,
            ["model"] = model,
            ["seed"] = plan.Seed,
            ["iterations"] = plan.Iterations,
            ["alpha"] = plan.ZipAlpha ?? new ZipItOptions().Alpha,
            ["sweeps"] = 1,
            ["converged"] = true,
            ["groups"] = nodes,
        }.ToJsonString();
    }

    /// <summary>The clusters by group, each checked (n merged features of 2n); <paramref name="source"/> names the result in errors.</summary>
    public static IReadOnlyDictionary<string, FeatureClusters> ClustersOf(JsonNode? root, string source)
    {
        var groups = root?["groups"] as JsonObject ?? throw new AlignmentException($"{source}: no \"groups\" object");
        var clusters = new Dictionary<string, FeatureClusters>(StringComparer.Ordinal);
        foreach (var (name, node) in groups)
        {
            try
            {
                var size = node!["size"]!.GetValue<int>();
                var clusterOf = node["clusters"]!.AsArray().Select(v => v!.GetValue<int>()).ToArray();
                if (clusterOf.Length != 2 * size)
                {
                    throw new AlignmentException($"{source}: group '{name}' has {clusterOf.Length} cluster entries for {size} features per model");
                }

                // Full zipping keeps every layer's width: n merged features of the 2n.
                clusters[name] = new FeatureClusters(clusterOf, size);
            }
            catch (Exception e) when (e is InvalidOperationException or FormatException or NullReferenceException or ArgumentException)
            {
                throw new AlignmentException($"{source}: group '{name}' has malformed \"clusters\": {e.Message}", e);
            }
        }

        return clusters;
    }
}
