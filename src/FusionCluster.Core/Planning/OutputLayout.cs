using FusionCluster.Core.Formats;

namespace FusionCluster.Core.Planning;

/// <summary>Fixes where every output tensor lands (shard file and byte offset) before any data exists.</summary>
public sealed record OutputLayout(
    IReadOnlyList<OutputShard> Shards,
    IReadOnlyDictionary<string, (int Shard, long Offset)> Placement,
    string? IndexJson)
{
    private static readonly Dictionary<string, string> Metadata = new() { ["format"] = "pt" };

    public static OutputLayout Lay(IReadOnlyList<TensorDescriptor> tensors, long shardBytes)
    {
        var plan = ShardPlanner.Plan(tensors, shardBytes);
        var shards = new List<OutputShard>();
        var placement = new Dictionary<string, (int, long)>(StringComparer.Ordinal);
        for (var i = 0; i < plan.Shards.Count; i++)
        {
            var layout = SafetensorsLayout.Compute(plan.Shards[i].Tensors, Metadata);
            shards.Add(new OutputShard(plan.Shards[i].FileName, layout.ToHeaderArray(), layout.FileLength));
            foreach (var tensor in plan.Shards[i].Tensors)
            {
                placement[tensor.Name] = (i, layout.GetEntry(tensor.Name).DataOffset);
            }
        }

        return new OutputLayout(shards, placement, plan.IsSharded ? ShardPlanner.BuildIndexJson(plan) : null);
    }

    /// <summary>Lays out planned tensors in plan order and returns them with their places filled in.</summary>
    public static (OutputLayout Layout, IReadOnlyDictionary<string, TensorPlan> Placed) Assign(IReadOnlyList<TensorPlan> tensors, long shardBytes)
    {
        var layout = Lay(tensors.Select(t => new TensorDescriptor(t.Name, t.OutputDType, t.Shape)).ToList(), shardBytes);
        var placed = tensors.ToDictionary(
            t => t.Name,
            t => t with { Shard = layout.Placement[t.Name].Shard, Offset = layout.Placement[t.Name].Offset },
            StringComparer.Ordinal);
        return (layout, placed);
    }
}
