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

    public static byte[] Build(IEnumerable<(string Name, long Bytes)> files)
    {
        var list = new JsonArray();
        foreach (var (name, bytes) in files.OrderBy(f => f.Name, StringComparer.Ordinal))
        {
            list.Add(new JsonObject { ["name"] = name, ["bytes"] = bytes });
        }

        var manifest = new JsonObject { ["format"] = "fusioncluster-merge/1", ["files"] = list };
        return Encoding.UTF8.GetBytes(manifest.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }
}
