using FusionCluster.Core.Planning;
using FusionCluster.Core.Storage;

namespace FusionCluster.Storage.Azure;

/// <summary>The block list of each output shard: its header, then every tensor's parts in offset order.</summary>
internal static class ShardBlocks
{
    /// <summary>
    /// The blocks of shard <paramref name="shardIndex"/> in file order. Checks that the plan's tensors fill
    /// the shard exactly: contiguous after the header, ending at <see cref="OutputShard.FileLength"/>.
    /// </summary>
    public static List<PlannedBlock> For(MergePlan plan, int shardIndex, string jobTag, int blockBytes)
    {
        var shard = plan.Shards[shardIndex];
        var blocks = new List<PlannedBlock> { new(BlockIds.For(jobTag, 0, 0), shard.Header.Length, null, 0, 1) };
        long position = shard.Header.Length;
        foreach (var tensor in plan.Units.SelectMany(u => u.Tensors).Where(t => t.Shard == shardIndex).OrderBy(t => t.Offset).ThenBy(t => t.ByteLength))
        {
            if (tensor.Offset != position)
            {
                throw new StorageException(
                    $"output shard '{shard.FileName}': tensor '{tensor.Name}' is planned at byte {tensor.Offset}, but the tensors before it end at {position} (the plan's layout is not contiguous)");
            }

            var parts = BlockIds.PartCount(tensor.ByteLength, blockBytes);
            for (var part = 0; part < parts; part++)
            {
                blocks.Add(new PlannedBlock(BlockIds.For(jobTag, tensor.Offset, part), Math.Min(blockBytes, tensor.ByteLength - ((long)part * blockBytes)), tensor.Name, part, parts));
            }

            position += tensor.ByteLength;
        }

        if (position != shard.FileLength)
        {
            throw new StorageException($"output shard '{shard.FileName}': header and tensors make {position} bytes, but the plan says the file is {shard.FileLength}");
        }

        return blocks;
    }

    /// <summary>Output shard names must be plain file names ending in .safetensors (cleanup recognises staged shards by that suffix).</summary>
    public static string CheckShardName(string name)
    {
        StorageNames.CheckFileName(name);
        return name.EndsWith(".safetensors", StringComparison.Ordinal)
            ? name
            : throw new StorageException($"output shard '{name}' must be a .safetensors file");
    }
}
