using System.Text.Json;
using FusionCluster.Core.Formats;
using FusionCluster.Core.Tensors;

namespace FusionCluster.Core.Tests.Formats;

public sealed class ShardPlannerTests
{
    [Fact]
    public void One_shard_is_model_safetensors()
    {
        var plan = ShardPlanner.Plan([new("a", DType.F32, [10]), new("b", DType.F32, [10])], 1000);
        Assert.False(plan.IsSharded);
        Assert.Equal("model.safetensors", Assert.Single(plan.Shards).FileName);
        Assert.Equal(80, plan.TotalSize);
    }

    [Fact]
    public void Splits_in_order_and_isolates_oversized_tensors()
    {
        TensorDescriptor T(string name, int floats) => new(name, DType.F32, [floats]);
        var plan = ShardPlanner.Plan([T("a", 10), T("b", 10), T("c", 10), T("huge", 100), T("d", 5), T("e", 15)], 80);
        Assert.Equal(
            ["model-00001-of-00004.safetensors", "model-00002-of-00004.safetensors", "model-00003-of-00004.safetensors", "model-00004-of-00004.safetensors"],
            plan.Shards.Select(s => s.FileName));
        Assert.Equal([["a", "b"], ["c"], ["huge"], ["d", "e"]], plan.Shards.Select(s => s.Tensors.Select(t => t.Name).ToArray()));
        Assert.All(plan.Shards.Where(s => s.Tensors.Count > 1), s => Assert.True(s.DataBytes <= 80));
        Assert.Equal(600, plan.TotalSize);
    }

    [Fact]
    public void Index_json_has_total_size_and_sorted_weight_map()
    {
        var plan = ShardPlanner.Plan([new("z", DType.BF16, [8]), new("a", DType.BF16, [8]), new("m", DType.BF16, [8])], 16);
        var text = ShardPlanner.BuildIndexJson(plan);
        Assert.EndsWith("}\n", text);
        using var json = JsonDocument.Parse(text);
        Assert.Equal(48, json.RootElement.GetProperty("metadata").GetProperty("total_size").GetInt64());
        var map = json.RootElement.GetProperty("weight_map").EnumerateObject().ToList();
        Assert.Equal(["a", "m", "z"], map.Select(p => p.Name));
        Assert.Equal("model-00002-of-00003.safetensors", map[0].Value.GetString());
        Assert.Equal(text, ShardPlanner.BuildIndexJson(ShardPlanner.Plan([new("z", DType.BF16, [8]), new("a", DType.BF16, [8]), new("m", DType.BF16, [8])], 16)));
    }

    [Fact]
    public void Empty_list_gives_one_empty_shard()
    {
        var plan = ShardPlanner.Plan([], 10);
        Assert.Equal("model.safetensors", Assert.Single(plan.Shards).FileName);
        Assert.Throws<ArgumentOutOfRangeException>(() => ShardPlanner.Plan([], 0));
    }
}
