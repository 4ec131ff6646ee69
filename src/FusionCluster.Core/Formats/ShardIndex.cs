namespace FusionCluster.Core.Formats;

/// <summary>
/// The rules a sharded checkpoint's index must follow, wherever its files are stored: every tensor the
/// weight_map names is in the shard it names, and every tensor a shard holds is placed there.
/// </summary>
public static class ShardIndex
{
    /// <summary>Maps each tensor to its opened shard; throws naming the index and tensor when the two disagree.</summary>
    /// <param name="weightMap">tensor → shard name, from <see cref="CheckpointJson.ParseIndex"/>.</param>
    /// <param name="shards">shard name → the opened shard.</param>
    /// <param name="indexPath">How errors name the index.</param>
    /// <param name="headerOf">The shard's header.</param>
    public static Dictionary<string, TShard> MapTensors<TShard>(
        IReadOnlyDictionary<string, string> weightMap, IReadOnlyDictionary<string, TShard> shards, string indexPath, Func<TShard, SafetensorsHeader> headerOf)
    {
        var tensorFiles = new Dictionary<string, TShard>(StringComparer.Ordinal);
        foreach (var (tensor, shardName) in weightMap)
        {
            var shard = shards[shardName];
            if (!headerOf(shard).Contains(tensor))
            {
                throw new SafetensorsFormatException(indexPath, tensor, $"weight_map places it in '{shardName}', which has no such tensor");
            }

            tensorFiles[tensor] = shard;
        }

        foreach (var (shardName, shard) in shards)
        {
            var stray = headerOf(shard).Tensors.FirstOrDefault(t => !weightMap.TryGetValue(t.Name, out var owner) || owner != shardName);
            if (stray is not null)
            {
                throw new SafetensorsFormatException(indexPath, stray.Name, $"shard '{shardName}' holds this tensor but weight_map does not place it there");
            }
        }

        return tensorFiles;
    }
}
