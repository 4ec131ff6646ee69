using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace FusionCluster.Core.Formats;

/// <summary>Splits output tensors into shard files the way transformers' save_pretrained does.</summary>
public static class ShardPlanner
{
    /// <summary>
    /// Fills shards in order, starting a new one when the next tensor would push the current one past
    /// <paramref name="maxShardBytes"/> of tensor data; a tensor larger than that gets a shard to itself.
    /// </summary>
    public static ShardPlan Plan(IReadOnlyList<TensorDescriptor> tensors, long maxShardBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxShardBytes);
        var groups = new List<List<TensorDescriptor>>();
        List<TensorDescriptor>? current = null;
        long currentBytes = 0;
        foreach (var tensor in tensors)
        {
            var bytes = tensor.ByteLength;
            if (current is null || (current.Count > 0 && currentBytes + bytes > maxShardBytes))
            {
                current = [];
                groups.Add(current);
                currentBytes = 0;
            }

            current.Add(tensor);
            currentBytes += bytes;
        }

        if (groups.Count == 0)
        {
            groups.Add([]);
        }

        var shards = groups.Select((g, i) => new PlannedShard(ShardFileName(i, groups.Count), g)).ToList();
        return new ShardPlan(shards);
    }

    /// <summary>"model.safetensors" alone, else "model-00001-of-00003.safetensors".</summary>
    public static string ShardFileName(int index, int count) =>
        count == 1 ? CheckpointFolder.SingleFileName : $"model-{index + 1:D5}-of-{count:D5}.safetensors";

    /// <summary>
    /// model.safetensors.index.json content: {"metadata": {"total_size": N}, "weight_map": {...}} with
    /// keys sorted and two-space indentation, as transformers writes it, so equal plans give equal bytes.
    /// </summary>
    public static string BuildIndexJson(ShardPlan plan)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("metadata");
            writer.WriteNumber("total_size", plan.TotalSize);
            writer.WriteEndObject();
            writer.WriteStartObject("weight_map");
            foreach (var (name, file) in plan.WeightMap.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                writer.WriteString(name, file);
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }
}
