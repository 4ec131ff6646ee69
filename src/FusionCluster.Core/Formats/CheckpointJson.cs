using System.Text.Json;
using System.Text.Json.Nodes;

namespace FusionCluster.Core.Formats;

/// <summary>The checks on a checkpoint's config.json and safetensors index, wherever their bytes come from.</summary>
public static class CheckpointJson
{
    /// <summary>Parses config.json, which must be a JSON object.</summary>
    public static JsonObject ParseConfig(byte[] bytes, string configPath)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(bytes);
        }
        catch (JsonException e)
        {
            throw new CheckpointException($"{configPath}: not valid JSON: {e.Message}", e);
        }

        return node as JsonObject ?? throw new CheckpointException($"{configPath}: must be a JSON object");
    }

    /// <summary>Parses an index's weight_map (tensor name to shard file name); untrusted names are checked by the caller.</summary>
    public static Dictionary<string, string> ParseIndex(byte[] bytes, string indexPath)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes);
        }
        catch (JsonException e)
        {
            throw new SafetensorsFormatException(indexPath, null, $"index is not valid JSON: {e.Message}", e);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("weight_map", out var map)
                || map.ValueKind != JsonValueKind.Object)
            {
                throw new SafetensorsFormatException(indexPath, null, "index must be an object with a \"weight_map\" object");
            }

            var weightMap = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var item in map.EnumerateObject())
            {
                if (item.Value.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(item.Value.GetString()))
                {
                    throw new SafetensorsFormatException(indexPath, item.Name, "weight_map value must be a shard file name");
                }

                if (!weightMap.TryAdd(item.Name, item.Value.GetString()!))
                {
                    throw new SafetensorsFormatException(indexPath, item.Name, "appears twice in weight_map");
                }
            }

            if (weightMap.Count == 0)
            {
                throw new SafetensorsFormatException(indexPath, null, "weight_map is empty");
            }

            return weightMap;
        }
    }
}
