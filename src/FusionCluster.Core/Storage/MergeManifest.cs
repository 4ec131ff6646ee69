using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FusionCluster.Core.Storage;

/// <summary>
/// fusion-manifest.json, written after every other file of a published merge: its presence means the
/// result is complete. It lists the files and their sizes and nothing run-specific, so two runs of the
/// same merge publish the same manifest.
/// </summary>
public static class MergeManifest
{
    public const string FileName = "fusion-manifest.json";

    /// <summary>
    /// The largest manifest a merge writes or a reader reads (about 270,000 files): a manifest is read back whole, from
    /// a folder or blob someone else may have written, so no reader takes a larger one.
    /// </summary>
    public const long MaxBytes = 16L << 20;

    /// <exception cref="StorageException">The manifest would be larger than <see cref="MaxBytes"/>.</exception>
    public static byte[] Build(IEnumerable<(string Name, long Bytes)> files)
    {
        var list = new JsonArray();
        foreach (var (name, bytes) in files.OrderBy(f => f.Name, StringComparer.Ordinal))
        {
            list.Add(new JsonObject { ["name"] = name, ["bytes"] = bytes });
        }

        var manifest = new JsonObject { ["format"] = "fusioncluster-merge/1", ["files"] = list };
        var json = Encoding.UTF8.GetBytes(manifest.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        if (json.Length > MaxBytes)
        {
            throw new StorageException($"a manifest of {list.Count} files would be {json.Length} bytes, more than the {MaxBytes} bytes a reader takes; publish fewer, larger files");
        }

        return json;
    }

    /// <summary>
    /// The files a manifest lists, by name. Names that are not plain file names, and the manifest itself,
    /// are refused: a manifest is read back to decide what to serve and what an overwrite may delete.
    /// </summary>
    /// <exception cref="StorageException">The manifest is not one this class wrote; the message names <paramref name="where"/>.</exception>
    public static IReadOnlyList<PublishedArtifact> Read(ReadOnlySpan<byte> json, string where)
    {
        try
        {
            using var document = JsonDocument.Parse(json.ToArray());
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("files", out var files)
                || files.ValueKind != JsonValueKind.Array)
            {
                throw new StorageException($"{where}: not a FusionCluster manifest (no \"files\" list)");
            }

            var listed = new List<PublishedArtifact>();
            foreach (var file in files.EnumerateArray())
            {
                var name = file.GetProperty("name").GetString() ?? "";
                if (!IsPlainFileName(name))
                {
                    // An edited manifest naming ../x or /x: what an overwrite deletes must stay inside the folder.
                    throw new StorageException($"{where}: lists '{name}', which is not a plain file name");
                }

                if (name == FileName || name.StartsWith('.'))
                {
                    throw new StorageException($"{where}: lists '{name}', which a merge never publishes");
                }

                listed.Add(new PublishedArtifact(name, file.GetProperty("bytes").GetInt64(), null));
            }

            return listed;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new StorageException($"{where}: not a FusionCluster manifest ({e.Message})", e);
        }
    }

    private static bool IsPlainFileName(string name)
    {
        try
        {
            StorageNames.CheckFileName(name);
            return true;
        }
        catch (StorageException)
        {
            return false;
        }
    }
}
