using System.Text.Json;
using System.Text.Json.Nodes;

namespace FusionCluster.Core.Formats;

/// <summary>
/// The checks on a checkpoint's config.json and safetensors index, wherever their bytes come from. Both are
/// untrusted input, bounded in size (<see cref="MaxFileBytes"/>) and nesting (<see cref="MaxDepth"/>); an error
/// names the file and the limit.
/// </summary>
public static class CheckpointJson
{
    /// <summary>Deepest JSON nesting read (a config.json nests a few levels, an index two).</summary>
    public const int MaxDepth = 64;

    /// <summary>Largest config.json or index read from a folder (a 100,000-tensor index is about 10 MB).</summary>
    public const long MaxFileBytes = 64L * 1024 * 1024;

    private static readonly JsonDocumentOptions Limits = new() { MaxDepth = MaxDepth };

    /// <summary>
    /// Reads a config.json or index file from disk: the one reader for them, so every caller gets the same checks.
    /// The path is resolved and checked (inside <paramref name="roots"/> when given; never /proc, /sys, /dev or /run),
    /// opened as a regular file (a FIFO or device would never end), and refused before reading when larger than
    /// <see cref="MaxFileBytes"/>.
    /// </summary>
    /// <exception cref="CheckpointException">The file is larger than the limit; the message names it and the limit.</exception>
    /// <exception cref="Storage.StorageException">The file is outside the roots, a link out of them, or not a regular file.</exception>
    public static byte[] ReadFile(string path, Storage.LocalRoots? roots = null, string what = "config or index file")
    {
        var resolved = (roots ?? Storage.LocalRoots.Anywhere).CheckFile(path, what);
        return Storage.LocalFile.ReadAllBytes(resolved, what, MaxFileBytes, length =>
            new CheckpointException($"{path}: {length} bytes is more than the {MaxFileBytes}-byte limit for a config or index file"));
    }

    /// <summary>Parses config.json, which must be a JSON object.</summary>
    public static JsonObject ParseConfig(byte[] bytes, string configPath)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(bytes, documentOptions: Limits);
        }
        catch (JsonException e)
        {
            throw new CheckpointException($"{configPath}: not valid JSON (nesting limit {MaxDepth}): {e.Message}", e);
        }

        return node as JsonObject ?? throw new CheckpointException($"{configPath}: must be a JSON object");
    }

    /// <summary>Parses an index's weight_map (tensor name to shard file name); untrusted names are checked by the caller.</summary>
    public static Dictionary<string, string> ParseIndex(byte[] bytes, string indexPath)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes, Limits);
        }
        catch (JsonException e)
        {
            throw new SafetensorsFormatException(indexPath, null, $"index is not valid JSON (nesting limit {MaxDepth}): {e.Message}", e);
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
