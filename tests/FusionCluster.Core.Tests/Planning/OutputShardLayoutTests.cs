using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using FusionCluster.Core.Planning;
using static FusionCluster.Core.Tests.Planning.PlanningFixtures;

namespace FusionCluster.Core.Tests.Planning;

public sealed class OutputShardLayoutTests
{
    private static MergePlan ShardedPlan(long shardBytes) =>
        Plan(LinearOfThree, Models(Llama("a", 6), Llama("b", 6), Llama("c", 6)), new PlanOptions { ShardSizeBytes = shardBytes });

    [Fact]
    public void A_small_shard_size_gives_several_well_formed_shards()
    {
        // Tensors are 32 B (norms), 256 B (q_proj) and 1 KiB (embeddings) in float32.
        const long ShardBytes = 700;
        var plan = ShardedPlan(ShardBytes);
        var tensors = AllTensors(plan).ToList();

        Assert.True(plan.Shards.Count >= 3, $"expected several shards, got {plan.Shards.Count}");
        Assert.Equal(plan.Shards.Count, plan.Shards.Select(s => s.FileName).Distinct().Count());

        for (var s = 0; s < plan.Shards.Count; s++)
        {
            var shard = plan.Shards[s];
            // Header: u64 little-endian JSON length, then the JSON, padded so data starts 8-aligned.
            Assert.Equal(0, shard.Header.Length % 8);
            Assert.Equal((ulong)(shard.Header.Length - 8), BinaryPrimitives.ReadUInt64LittleEndian(shard.Header));

            var inShard = tensors.Where(t => t.Shard == s).OrderBy(t => t.Offset).ToList();
            Assert.NotEmpty(inShard);
            var cursor = (long)shard.Header.Length;
            foreach (var t in inShard)
            {
                Assert.True(t.Offset >= cursor, $"{t.Name} at {t.Offset} overlaps the previous tensor ending at {cursor}");
                cursor = t.Offset + t.ByteLength;
            }

            Assert.Equal(shard.FileLength, cursor);
            var dataBytes = inShard.Sum(t => t.ByteLength);
            Assert.True(dataBytes <= ShardBytes || inShard.Count == 1, $"shard {s} holds {dataBytes} bytes in {inShard.Count} tensors");

            // The header JSON agrees with the plan's offsets (relative to the data start).
            using var header = JsonDocument.Parse(Encoding.UTF8.GetString(shard.Header, 8, shard.Header.Length - 8).TrimEnd(' '));
            foreach (var t in inShard)
            {
                var offsets = header.RootElement.GetProperty(t.Name).GetProperty("data_offsets");
                Assert.Equal(t.Offset - shard.Header.Length, offsets[0].GetInt64());
                Assert.Equal(t.Offset - shard.Header.Length + t.ByteLength, offsets[1].GetInt64());
                Assert.Equal(t.Shape, header.RootElement.GetProperty(t.Name).GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()));
            }
        }

        // Every tensor is placed exactly once, and the index maps it to its shard's file.
        Assert.Equal(tensors.Count, tensors.Select(t => t.Name).Distinct().Count());
        Assert.NotNull(plan.IndexJson);
        using var index = JsonDocument.Parse(plan.IndexJson);
        var weightMap = index.RootElement.GetProperty("weight_map").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString());
        Assert.Equal(tensors.Select(t => t.Name).Order(StringComparer.Ordinal), weightMap.Keys.Order(StringComparer.Ordinal));
        Assert.All(tensors, t => Assert.Equal(plan.Shards[t.Shard].FileName, weightMap[t.Name]));
    }

    [Fact]
    public void A_large_shard_size_gives_one_unindexed_file()
    {
        var plan = ShardedPlan(5_000_000_000);
        var shard = Assert.Single(plan.Shards);
        Assert.Equal("model.safetensors", shard.FileName);
        Assert.Null(plan.IndexJson);
        Assert.All(AllTensors(plan), t => Assert.Equal(0, t.Shard));
        Assert.Equal(shard.Header.Length + plan.TotalOutputBytes, shard.FileLength);
    }

    [Fact]
    public void Shard_size_does_not_change_what_is_computed()
    {
        static IEnumerable<string> Recipe(MergePlan p) => AllTensors(p).Select(t =>
            $"{t.Name}|{t.Kind}|{string.Join(',', t.Shape)}|{string.Join(',', t.Inputs.Select(i => i.Model + ":" + i.Tensor))}");

        Assert.Equal(Recipe(ShardedPlan(5_000_000_000)), Recipe(ShardedPlan(700)));
    }
}
