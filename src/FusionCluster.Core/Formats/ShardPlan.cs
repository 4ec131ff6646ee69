namespace FusionCluster.Core.Formats;

/// <summary>How an ordered tensor list is split into output files.</summary>
public sealed record ShardPlan(IReadOnlyList<PlannedShard> Shards)
{
    /// <summary>Sum of all tensor bytes: the index's metadata.total_size.</summary>
    public long TotalSize => Shards.Sum(s => s.DataBytes);

    /// <summary>Whether the output needs model.safetensors.index.json.</summary>
    public bool IsSharded => Shards.Count > 1;

    /// <summary>Tensor name -> shard file name.</summary>
    public IReadOnlyDictionary<string, string> WeightMap =>
        Shards.SelectMany(s => s.Tensors.Select(t => (t.Name, s.FileName))).ToDictionary(p => p.Name, p => p.FileName, StringComparer.Ordinal);
}
